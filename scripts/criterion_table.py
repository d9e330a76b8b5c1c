#!/usr/bin/env python3
"""Prints the median and median absolute deviation of every criterion benchmark as Markdown.

Run after `cargo bench`; reads target/criterion/*/*/new/estimates.json.
"""

import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"


def readable(nanoseconds):
    for unit, size in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if nanoseconds >= size:
            return f"{nanoseconds / size:.3g} {unit}"
    return f"{nanoseconds:.3g} ns"


def main():
    print("| benchmark | size | median | MAD |")
    print("|---|---|---|---|")
    for estimates in sorted(ROOT.glob("*/*/new/estimates.json")):
        group, size = estimates.parts[-4], estimates.parts[-3]
        data = json.loads(estimates.read_text())
        median = data["median"]["point_estimate"]
        deviation = data["median_abs_dev"]["point_estimate"]
        print(f"| {group} | {size} | {readable(median)} | {readable(deviation)} |")


if __name__ == "__main__":
    main()
