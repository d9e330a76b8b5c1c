//! Shared test helpers: a real HTTP server on 127.0.0.1, config files, and a tmux driver.
//!
//! Each test binary includes this module with `mod support;` and uses what it needs.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

pub mod clock;
pub mod cloud;
pub mod proxy;
pub mod raw;
pub mod server;
pub mod signature;
pub mod tls;
pub mod tmux;
pub mod ui;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of the built `stage-images` binary.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_stage-images"))
}

/// A project id that passes validation.
pub const PROJECT_ID: &str = "0123456789abcdef0123456789abcdef";

/// The documented example answer.
pub const DOCUMENTED_EXAMPLE: &str = r#"{"Go":["1.11"],"Java":["8u181-jdk-alpine","11","17"],"Nodejs":["8","16"],"Php":["7-apache"],"Python":["3.7"],"Tomcat":["8-alpine"]}"#;

/// Writes `text` as `config.toml` in `dir`, readable by its owner only as a config holding
/// secrets should be, and returns its path.
pub fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).expect("write config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .expect("chmod config");
    }
    path
}

/// A profile table pointing at `endpoint` with an inline token.
pub fn profile_toml(name: &str, endpoint: &str, token: &str) -> String {
    format!(
        "[profiles.{name}]\nregion = \"cn-north-4\"\nproject_id = \"{PROJECT_ID}\"\nendpoint = \"{endpoint}\"\ntoken = \"{token}\"\n"
    )
}

/// Runs the binary with `args`, an isolated environment (no user config, cache or log in the
/// real home), and the extra variables given.
pub fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary());
    command.args(args);
    isolate(&mut command, home);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run stage-images")
}

/// Points every folder the program may use into `home` and clears variables that would change
/// what it does.
pub fn isolate(command: &mut Command, home: &Path) {
    for name in [
        "STAGE_IMAGES_CONFIG",
        "STAGE_IMAGES_PROFILE",
        "STAGE_IMAGES_LOG",
        "RUST_LOG",
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        "HUAWEICLOUD_SDK_IAM_ENDPOINT",
        "HUAWEICLOUD_SDK_DOMAIN_ID",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        // A loopback entry in NO_PROXY would hide a request sent through the proxy, and
        // REQUEST_METHOD turns every proxy variable off.
        "NO_PROXY",
        "no_proxy",
        "REQUEST_METHOD",
        "NO_COLOR",
        "TMUX",
        "DISPLAY",
        "WAYLAND_DISPLAY",
    ] {
        command.env_remove(name);
    }
    command
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"));
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
