//! Progress on a terminal (indicatif): one bar for the scenarios done and
//! one per running scenario, its simulated time against its duration.
//! Off under `CI`, with `--quiet`, or when stderr is not a terminal;
//! without colour when `NO_COLOR` is set (no-color.org: present and not
//! empty).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use smoltcp::time::Instant;

/// `NO_COLOR` asks for no colour.
pub fn colour_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub struct Progress {
    bars: Option<(MultiProgress, ProgressBar)>,
}

impl Progress {
    pub fn new(quiet: bool, scenarios: usize) -> Progress {
        let live = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() && !quiet;
        if !live {
            return Progress { bars: None };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let total = multi.add(ProgressBar::new(scenarios as u64));
        total.set_style(style(
            "{bar:30.green/white} {pos}/{len} scenarios  {elapsed}",
            "{bar:30} {pos}/{len} scenarios  {elapsed}",
        ));
        total.enable_steady_tick(Duration::from_millis(200));
        Progress {
            bars: Some((multi, total)),
        }
    }

    /// A bar for one scenario while it runs.
    pub fn scenario(&self) -> ScenarioBar {
        let bar = self.bars.as_ref().map(|(multi, total)| {
            let bar = multi.insert_before(total, ProgressBar::new(1));
            bar.set_style(style("  {bar:20.cyan/white} {msg}", "  {bar:20} {msg}"));
            bar
        });
        ScenarioBar { bar }
    }

    /// One scenario is done.
    pub fn done_one(&self) {
        if let Some((_, total)) = &self.bars {
            total.inc(1);
        }
    }

    /// Prints with the bars out of the way.
    pub fn print(&self, f: impl FnOnce()) {
        match &self.bars {
            Some((multi, _)) => multi.suspend(f),
            None => f(),
        }
    }

    pub fn finish(&self) {
        if let Some((multi, total)) = &self.bars {
            total.finish_and_clear();
            let _ = multi.clear();
        }
    }
}

/// The `coloured` template, or the `plain` one under `NO_COLOR`.
fn style(coloured: &str, plain: &str) -> ProgressStyle {
    let template = if colour_wanted() { coloured } else { plain };
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

pub struct ScenarioBar {
    bar: Option<ProgressBar>,
}

impl ScenarioBar {
    /// `name` has simulated up to `now` of `end`.
    pub fn at(&self, name: &str, now: Instant, end: Instant) {
        let Some(bar) = &self.bar else { return };
        bar.set_length(end.total_millis().max(1) as u64);
        bar.set_position(now.total_millis().max(0) as u64);
        bar.set_message(format!(
            "{name}: {}s of {}s simulated",
            now.total_millis() / 1000,
            end.total_millis() / 1000
        ));
    }
}

impl Drop for ScenarioBar {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
