//! Decoding and ordering catalogues of every size the product supports.

mod support;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use stage_images::catalogue;

fn decode_and_order(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode_and_order");
    for (name, languages, versions) in support::SIZES {
        let json = support::catalogue_json(languages, versions);
        group.throughput(Throughput::Elements((languages * versions) as u64));
        if languages * versions > 100_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(20));
        } else {
            group
                .sample_size(50)
                .measurement_time(Duration::from_secs(5));
        }
        group.bench_with_input(BenchmarkId::from_parameter(name), &json, |bencher, json| {
            bencher.iter(|| {
                let decoded =
                    catalogue::decode(black_box(json.as_bytes())).expect("valid catalogue");
                assert_eq!(decoded.catalogue.version_count(), languages * versions);
                decoded
            });
        });
    }
    group.finish();
}

criterion_group!(benches, decode_and_order);
criterion_main!(benches);
