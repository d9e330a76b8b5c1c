//! The event loop: waits for one thing to happen, applies it, starts the work it asks for,
//! and redraws.
//!
//! Nothing runs on a timer while the browser is idle: the loop sleeps until a key, a signal, a
//! background result, or the next spinner step or notice expiry that [`App::next_wakeup`]
//! asks for.

use std::io::Write;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::clients::LazyClient;
use super::profiles::{ProfileSlot, Profiles};
use super::state::{App, Origin, Shown};
use super::update::{self, Effect, Message};
use super::{Session, SessionProfile, view};
use crate::cache::{CacheKey, CatalogueCache};
use crate::clipboard::CopyReport;

/// Runs the browser until the user quits or a signal arrives.
pub async fn run<B>(terminal: &mut Terminal<B>, session: Session) -> anyhow::Result<()>
where
    B: Backend + Write,
    B::Error: Send + Sync + 'static,
{
    let Session {
        profiles,
        current,
        cache,
        offline,
        clipboard,
        theme,
        utc_offset,
        keymap,
        mouse: _,
        release_status,
        exit_after_first_frame,
    } = session;
    // The cached catalogues are read before the first frame, so it shows them before any
    // request is sent.
    let (slots, clients) = load_profiles(profiles, cache.as_ref());
    let mut app = App::with_profiles(Profiles::new(slots, current), theme, utc_offset);
    app.offline = offline;
    app.keymap = keymap;
    app.release_status = release_status;
    let (sender, mut receiver) = mpsc::unbounded_channel::<Message>();
    let mut events = EventStream::new();
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;

    let effects = update::start(&mut app, Instant::now());
    let mut context = EffectContext {
        clients,
        cache,
        clipboard,
        sender,
    };
    for effect in effects {
        context.start(effect, terminal);
    }
    draw(terminal, &mut app)?;
    let elapsed = crate::startup::elapsed();
    tracing::info!(elapsed_us = elapsed.as_micros() as u64, "first frame drawn");
    if exit_after_first_frame {
        return Ok(());
    }

    loop {
        let wakeup = app.next_wakeup(Instant::now());
        let message = tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => match message_for(event) {
                    Some(message) => message,
                    None => continue,
                },
                Some(Err(error)) => return Err(error.into()),
                None => break,
            },
            Some(message) = receiver.recv() => message,
            () = sleep_until(wakeup), if wakeup.is_some() => Message::Tick(Instant::now()),
            _ = terminate.recv() => Message::Terminate,
            _ = hangup.recv() => Message::Terminate,
            _ = interrupt.recv() => Message::Terminate,
        };
        let effects = update::update(&mut app, message, Instant::now());
        for effect in effects {
            context.start(effect, terminal);
        }
        if app.should_quit {
            break;
        }
        draw(terminal, &mut app)?;
    }
    Ok(())
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(deadline) = deadline {
        tokio::time::sleep_until(deadline.into()).await;
    }
}

fn message_for(event: Event) -> Option<Message> {
    match event {
        Event::Key(key) => Some(Message::Key(key)),
        Event::Resize(_, _) => Some(Message::Resize),
        Event::Paste(text) => Some(Message::Paste(text)),
        Event::Mouse(event) => Some(Message::Mouse(event)),
        _ => None,
    }
}

/// Draws a frame and remembers its geometry.
pub fn draw<B>(terminal: &mut Terminal<B>, app: &mut App) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
{
    let mut info = app.frame;
    terminal.draw(|frame| info = view::render(app, frame, SystemTime::now()))?;
    app.frame = info;
    Ok(())
}

/// Turns the session's profiles into the browser's slots, each with its cached catalogue, and
/// the client of each profile. An unusable cache file is logged and skipped.
fn load_profiles(
    profiles: Vec<SessionProfile>,
    cache: Option<&CatalogueCache>,
) -> (Vec<ProfileSlot>, Vec<LazyClient>) {
    profiles
        .into_iter()
        .map(|entry| {
            let last = cache
                .and_then(|cache| cache.load_or_warn(&CacheKey::of(&entry.profile)))
                .map(|cached| Shown {
                    catalogue: Arc::new(cached.catalogue),
                    fetched_at: cached.fetched_at,
                    origin: Origin::Cache,
                });
            let slot = ProfileSlot {
                info: entry.info,
                refresh_interval: entry.refresh_interval,
                last,
            };
            (slot, LazyClient::new(entry.profile, entry.client))
        })
        .unzip()
}

/// Resources for starting effects: the API clients, the cache, the clipboard and the way back
/// to the loop.
struct EffectContext {
    clients: Vec<LazyClient>,
    cache: Option<CatalogueCache>,
    clipboard: crate::clipboard::Clipboard,
    sender: mpsc::UnboundedSender<Message>,
}

impl EffectContext {
    fn start<B: Backend + Write>(&mut self, effect: Effect, terminal: &mut Terminal<B>) {
        match effect {
            Effect::Fetch {
                generation,
                profile,
            } => {
                let Some(client) = self.clients.get(profile).cloned() else {
                    return;
                };
                let sender = self.sender.clone();
                tokio::spawn(async move {
                    let retry_sender = sender.clone();
                    let mut on_retry = move |notice: &crate::api::RetryNotice| {
                        let _ = retry_sender.send(Message::Retrying {
                            generation,
                            notice: notice.clone(),
                        });
                    };
                    let result = client.fetch_catalogue_reporting(&mut on_retry).await;
                    // The loop may have ended; then nobody needs the result.
                    let _ = sender.send(Message::Fetched {
                        generation,
                        result: Box::new(result),
                    });
                });
            }
            Effect::FetchForComparison { request, profile } => {
                let Some(client) = self.clients.get(profile).cloned() else {
                    return;
                };
                let sender = self.sender.clone();
                tokio::spawn(async move {
                    let result = client.fetch_catalogue().await;
                    let _ = sender.send(Message::ComparisonFetched {
                        request,
                        profile,
                        result: Box::new(result),
                    });
                });
            }
            Effect::StoreCache {
                profile,
                project_id,
                catalogue,
                fetched_at,
            } => {
                let (Some(cache), Some(client)) = (self.cache.clone(), self.clients.get(profile))
                else {
                    return;
                };
                let key = CacheKey::of(client.profile());
                // Writing touches the disk, so it runs on a blocking thread, off the loop.
                tokio::task::spawn_blocking(move || {
                    if let Err(error) = cache.store(&key, &project_id, &catalogue, fetched_at) {
                        tracing::warn!(profile = %key.profile, %error, "catalogue not cached");
                    }
                });
            }
            Effect::Copy(text) => {
                // OSC 52 goes through the same writer as the frames, so it cannot interleave
                // with a frame being drawn.
                let osc52 = self.clipboard.write_osc52(&text, terminal.backend_mut());
                let clipboard = self.clipboard.clone();
                let sender = self.sender.clone();
                if osc52.is_some() && clipboard.system.is_some() {
                    // The terminal's copy is done, so it is reported now; the report of the
                    // system command replaces it when that command ends.
                    let _ = sender.send(Message::Copied(CopyReport {
                        text: text.clone(),
                        osc52: osc52.clone(),
                        system: None,
                    }));
                }
                tokio::spawn(async move {
                    let system = clipboard.copy_system(&text).await;
                    let _ = sender.send(Message::Copied(CopyReport {
                        text,
                        osc52,
                        system,
                    }));
                });
            }
        }
    }
}
