//! Hostile and careless input against the CLI (issue 21), one test per class: outputs that
//! are devices, FIFOs or inputs; a closed stdout; memory bombs; unbounded work; a full disk;
//! signals during a write; file modes; odd inputs.

mod bounds;
mod outputs;
mod streams;

use crate::cli::{run, stderr};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A quick analytic run (32 rays, a few ms).
pub(crate) const QUICK: &str = "title = \"quick\"\n[cosmology]\nmodel = \"static\"\n[[lenses]]\nprofile = \"point\"\nmass_msun = 1e14\ncenter_mpc = [0.0, 0.0, 0.0]\ncore_radius_mpc = 0.1\n[potential]\nmode = \"analytic\"\n[observer]\nposition_mpc = [-100.0, 0.0, 0.0]\n[rays]\npattern = \"beam\"\ntoward_mpc = [0.0, 0.0, 0.0]\nimpact_mpc = [1.0, 2.0, 5.0, 10.0]\nn_phi = 8\n[integration]\nmethod = \"rk4\"\nstep_mpc = 1.0\n[integration.stop]\ndistance_mpc = 200.0\n";

pub(crate) fn quick(dir: &Path) -> PathBuf {
    let p = dir.join("quick.toml");
    std::fs::write(&p, QUICK).unwrap();
    p
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub(crate) fn refused(args: &[&str], needle: &str) {
    let o = run(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

/// Runs `cmd` and returns (exit code, peak resident memory [bytes], stderr). The peak comes
/// from a small Python parent's RUSAGE_CHILDREN: a child forked from this test process itself
/// would report the test process's own (often several GB) resident memory as its peak.
pub(crate) fn peak_rss(cmd: Command) -> (i32, u64, String) {
    let script = "import resource, subprocess, sys\n\
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n\
sys.stderr.buffer.write(p.stderr)\n\
print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n";
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let mut f = out.split_whitespace();
    let code: i32 = f.next().and_then(|v| v.parse().ok()).unwrap_or(-1);
    let kib: u64 = f
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(u64::MAX / 2048);
    (code, kib * 1024, stderr(&o))
}
