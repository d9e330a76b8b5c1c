//! The browser session: every profile with what the picker shows about it, and a client built
//! before the screen opens for the profile in use.

use std::sync::Arc;

use time::UtcOffset;

use super::choose::Chosen;
use super::{Args, Failure, profiles};
use crate::api::Client;
use crate::api::project::cached_project_id;
use crate::clipboard::Clipboard;
use crate::config::Profile;
use crate::config::location;
use crate::project_id::ProjectId;
use crate::release_status::ReleaseTable;
use crate::tui::state::ProfileInfo;
use crate::tui::{self, Session, SessionProfile};

/// Opens the browser on the chosen profiles and runs it until the user quits.
pub async fn run(
    chosen: Chosen,
    release_status: ReleaseTable,
    args: &Args,
    utc_offset: UtcOffset,
) -> Result<(), Failure> {
    let offline = args.offline;
    let Chosen {
        profiles,
        current,
        clipboard,
        ui,
        refresh,
        cache,
        demo_server,
    } = chosen;
    let demo = demo_server.is_some();

    // The client of the profile in use is built now, so a setup mistake stops the program
    // before the screen opens. The others are built when first needed, and offline never.
    let client = match profiles.get(current) {
        Some(profile) if !offline => {
            Some(Client::new(profile).map_err(|error| Failure::Usage(error.to_string()))?)
        }
        _ => None,
    };

    let cache_dir = location::cache_dir();
    let profiles = profiles
        .into_iter()
        .enumerate()
        .map(|(index, profile)| {
            let client = client.clone().filter(|_| index == current);
            let known_project = client
                .as_ref()
                .and_then(Client::known_project_id)
                .or_else(|| profile.project_id.clone())
                .or_else(|| {
                    let dir = cache_dir.as_deref()?;
                    let iam_endpoint = profile.effective_iam_endpoint();
                    cached_project_id(dir, &profile.name, &profile.region, &iam_endpoint)
                });
            SessionProfile {
                info: profile_info(&profile, known_project.as_ref(), demo),
                refresh_interval: refresh.interval_for(&profile.name),
                client,
                profile,
            }
        })
        .collect();

    let session = Session {
        profiles,
        current,
        cache,
        offline,
        clipboard: Clipboard::from_settings(&clipboard),
        theme: ui.theme.unless_no_color(),
        utc_offset,
        keymap: ui.keymap.clone(),
        mouse: ui.mouse,
        release_status: Arc::new(release_status),
        exit_after_first_frame: args.exit_after_first_frame,
    };
    let result = tui::run(session)
        .await
        .map_err(|error| Failure::Runtime(format!("{error:#}")));
    // The demo server keeps serving until the browser has ended.
    drop(demo_server);
    result
}

/// Describes a profile for the status bar and the picker. A project id resolved from the
/// region is shown once known, from the cache of an earlier run or the first fetch.
fn profile_info(profile: &Profile, project_id: Option<&ProjectId>, demo: bool) -> ProfileInfo {
    ProfileInfo {
        name: profile.name.clone(),
        region: profile.region.to_string(),
        project_id: project_id.map_or_else(
            || profiles::RESOLVED_FROM_REGION.to_owned(),
            ToString::to_string,
        ),
        endpoint: profile.endpoint.to_string(),
        auth: profile.credentials.method().label().to_owned(),
        demo,
    }
}
