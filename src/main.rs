//! The `vpnlab` command line: run, check and list scenarios.
#![forbid(unsafe_code)]

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use vpnlab::explore::{self, plan::Partition, summary};
use vpnlab::report::{ScenarioReport, junit};
use vpnlab::runner::{run_file, scenario_files};
use vpnlab::scenario;
use vpnlab::sim::RunOptions;

mod cli;

use cli::progress::{self, Progress};
use cli::wireshark;
use vpnlab::jobs;

#[derive(Parser)]
#[command(
    name = "vpnlab",
    version,
    about = "Deterministic network-simulation test lab for IPsec VPNs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Override every scenario's seed.
    #[arg(long, global = true)]
    seed: Option<u64>,
    /// Folder for captures (one sub-folder per scenario).
    #[arg(long, global = true, default_value = "captures")]
    out: PathBuf,
    /// Write a JUnit XML report here (run only).
    #[arg(long, global = true)]
    junit: Option<PathBuf>,
    /// Only print failures.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Print every expectation and drop counters.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Follow the wall clock (a scenario with a `tun:` end always does);
    /// Ctrl-C ends the run cleanly.
    #[arg(long, global = true)]
    realtime: bool,
    /// Scenarios run at once (default: the number of cores); output and
    /// files are the same as with one.
    #[arg(short, long, global = true, value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Run this long instead of the scenario's `duration` (`90s`, `1h`).
    #[arg(long, global = true, value_parser = parse_duration)]
    duration: Option<smoltcp::time::Duration>,
}

fn parse_partition(text: &str) -> Result<Partition, String> {
    Partition::parse(text)
}

fn parse_duration(text: &str) -> Result<smoltcp::time::Duration, String> {
    let span = scenario::units::parse_span(text)?;
    if span.0.total_micros() == 0 {
        return Err("must be greater than zero".into());
    }
    Ok(span.0)
}

#[derive(Subcommand)]
enum Command {
    /// Run scenarios and check their expectations.
    Run { paths: Vec<PathBuf> },
    /// Parse and validate scenarios without running them.
    Check { paths: Vec<PathBuf> },
    /// Print each scenario's name and description.
    List { paths: Vec<PathBuf> },
    /// Open a run's captures in Wireshark, decrypted: writes a profile
    /// with the run's key tables beside them and starts `wireshark -C`
    /// (without Wireshark, prints the tshark command instead).
    /// Run variations of one scenario: the seed and the values its
    /// `vary:` section marks; check each variation's expectations, shrink
    /// the failures and write them as standalone scenario files (with a
    /// summary and JUnit) under <out>/explore/<scenario>/. `--seed` seeds
    /// the exploration.
    Explore {
        path: PathBuf,
        /// How many variations.
        #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        runs: u32,
        /// Run only share K of N (`K/N` or `count:K/N`, as `cargo nextest
        /// --partition` splits tests): variations K, K+N, K+2N, ...
        #[arg(long, value_parser = parse_partition)]
        partition: Option<Partition>,
    },
    Wireshark {
        /// The scenario: its name, or its file.
        scenario: String,
        /// One link's capture instead of all links (all.pcapng).
        link: Option<String>,
    },
}

const EXIT_FAILED: u8 = 1;
const EXIT_INVALID: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_INVALID } else { 0 });
        }
    };
    match &cli.command {
        Command::Run { paths } => with_files(paths, |files| run(&cli, files)),
        Command::Check { paths } => with_files(paths, |files| check(&cli, files)),
        Command::List { paths } => with_files(paths, list),
        Command::Explore {
            path,
            runs,
            partition,
        } => explore_file(
            &cli,
            path,
            *runs as usize,
            partition.unwrap_or(Partition::WHOLE),
        ),
        Command::Wireshark { scenario, link } => {
            wireshark::open(&cli.out, scenario, link.as_deref())
        }
    }
}

/// The scenario files under `paths` (default: scenarios/) handed to
/// `command`; none, or a path that is not there, is bad usage.
fn with_files(paths: &[PathBuf], command: impl FnOnce(&[PathBuf]) -> ExitCode) -> ExitCode {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        paths.to_vec()
    };
    match scenario_files(&paths) {
        Ok(f) if f.is_empty() => {
            eprintln!("error: no scenario files (*.yaml) under {}", show(&paths));
            ExitCode::from(EXIT_INVALID)
        }
        Ok(f) => command(&f),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}

fn show(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn run(cli: &Cli, files: &[PathBuf]) -> ExitCode {
    let opts = RunOptions {
        seed: cli.seed,
        out: Some(cli.out.clone()),
        realtime: cli.realtime,
        duration: cli.duration,
    };
    let jobs = cli.jobs.map_or_else(jobs::default_jobs, usize::from);
    let progress = Progress::new(cli.quiet, files.len());
    let mut reports = Vec::new();
    jobs::in_order(
        files.len(),
        jobs,
        |i| {
            let bar = progress.scenario();
            run_file(&files[i], &opts, |name, now, end| bar.at(name, now, end))
        },
        |_, report| {
            progress.done_one();
            progress.print(|| print_report(cli, &report));
            reports.push(report);
        },
    );
    progress.finish();
    let passed = reports.iter().filter(|r| r.passed()).count();
    println!("{passed} passed, {} failed", reports.len() - passed);
    match vpnlab::html::write_index(&cli.out, &reports) {
        Ok(path) if !cli.quiet => println!("report: {}", path.display()),
        Ok(_) => {}
        Err(e) => {
            eprintln!("error: {}: cannot write index.html: {e}", cli.out.display());
            return ExitCode::from(EXIT_INVALID);
        }
    }
    if let Some(path) = &cli.junit {
        if let Err(e) = std::fs::write(path, junit(&reports)) {
            eprintln!("error: {}: cannot write JUnit report: {e}", path.display());
            return ExitCode::from(EXIT_INVALID);
        }
    }
    if reports.iter().any(|r| r.error.is_some()) {
        ExitCode::from(EXIT_INVALID)
    } else if passed < reports.len() {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// The summary line, its PASS or FAIL coloured on a terminal unless
/// `NO_COLOR` is set.
fn summary(r: &ScenarioReport) -> String {
    let line = r.summary_line();
    if !std::io::stdout().is_terminal() || !progress::colour_wanted() {
        return line;
    }
    let colour = if r.passed() { "32" } else { "31" };
    match line.split_at_checked(4) {
        Some((status, rest)) => format!("\x1b[{colour}m{status}\x1b[0m{rest}"),
        None => line,
    }
}

fn print_report(cli: &Cli, r: &ScenarioReport) {
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(e) = &r.error {
        println!("{}", summary(r));
        eprintln!("{e}");
        return;
    }
    if !cli.quiet || !r.passed() {
        println!("{}", summary(r));
    }
    for line in r.verdict_lines(cli.verbose) {
        println!("{line}");
    }
    if !cli.quiet {
        for line in r.end_lines() {
            println!("{line}");
        }
    }
    if cli.verbose || !r.passed() {
        for line in r.drop_lines() {
            println!("{line}");
        }
        if let Some(dir) = r.outcome.as_ref().and_then(|o| o.dir.as_ref()) {
            println!("  captures: {}", dir.display());
        }
    }
}

fn explore_file(cli: &Cli, path: &std::path::Path, runs: usize, part: Partition) -> ExitCode {
    let opts = explore::Options {
        runs,
        seed: cli.seed,
        part,
        jobs: cli.jobs.map_or_else(jobs::default_jobs, usize::from),
    };
    let progress = Progress::new(cli.quiet, runs.div_ceil(part.of));
    let result = explore::explore(path, &opts, |_| progress.done_one());
    progress.finish();
    let e = match result {
        Ok(e) => e,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let folder = match part {
        Partition::WHOLE => e.name.clone(),
        p => format!("{}.part-{}-of-{}", e.name, p.share, p.of),
    };
    let dir = cli.out.join("explore").join(folder);
    let files = match summary::write(&e, &dir) {
        Ok(f) => f,
        Err(err) => {
            eprintln!(
                "error: {}: cannot write the exploration's files: {err}",
                dir.display()
            );
            return ExitCode::from(EXIT_INVALID);
        }
    };
    if !cli.quiet {
        println!("{}", summary::heading(&e));
    }
    for r in &e.results {
        if cli.verbose || !r.trial.passed() {
            let file = files.iter().find(|(k, _)| *k == r.variation.index);
            for line in summary::lines(&e, r, file.map(|(_, p)| p.as_path())) {
                println!("{line}");
            }
        }
    }
    println!("{}", summary::totals(&e));
    if !cli.quiet {
        println!("summary: {}", dir.join("summary.txt").display());
    }
    if let Some(path) = &cli.junit {
        if let Err(err) = std::fs::write(path, summary::junit(&e)) {
            eprintln!(
                "error: {}: cannot write JUnit report: {err}",
                path.display()
            );
            return ExitCode::from(EXIT_INVALID);
        }
    }
    if e.failed() > 0 {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

fn check(cli: &Cli, files: &[PathBuf]) -> ExitCode {
    let mut bad = 0;
    for file in files {
        match scenario::load_file(file) {
            Ok(s) => {
                for w in &s.warnings {
                    eprintln!("warning: {w}");
                }
                if !cli.quiet {
                    println!("ok   {} ({})", file.display(), s.name.value);
                }
            }
            Err(e) => {
                bad += 1;
                eprintln!("{e}");
            }
        }
    }
    println!("{} passed, {bad} failed", files.len() - bad);
    if bad > 0 {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

fn list(files: &[PathBuf]) -> ExitCode {
    let mut bad = false;
    for file in files {
        match scenario::load_file(file) {
            Ok(s) => println!("{:<32} {}", s.name.value, first_line(&s.description)),
            Err(e) => {
                bad = true;
                eprintln!("{e}");
            }
        }
    }
    if bad {
        ExitCode::from(EXIT_INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim()
}
