//! Standard streams and odd inputs: a closed stdout, no display, folders, FIFOs and link loops.

use super::{quick, refused, s};
use crate::cli::{exe, run, stderr, tmp};
use std::process::Stdio;

#[test]
fn a_closed_stdout_ends_each_printing_command_quietly() {
    let dir = tmp();
    let cfg = quick(dir.path());
    let r = dir.path().join("r.h5");
    assert!(run(&["run", s(&cfg), "-o", s(&r), "--quiet"])
        .status
        .success());
    let manifest = dir.path().join("m.toml");
    std::fs::write(
        &manifest,
        format!(
            "base = \"{}\"\noutput = \"{}/{{index}}.h5\"\n[vary]\n\"lenses.0.mass_msun\" = [1e13, 2e13, 3e13]\n",
            s(&cfg),
            s(dir.path())
        ),
    )
    .unwrap();
    for args in [
        vec!["check", s(&cfg)],
        vec!["inspect", s(&r)],
        vec!["summarize", s(&r)],
        vec!["sweep", s(&manifest), "--list"],
        vec!["run", s(&cfg), "-o", "unused", "--json", "--quiet"],
    ] {
        let out = dir.path().join("unused");
        let args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "unused" { s(&out) } else { a })
            .collect();
        // The reader is gone before the command writes: its first write meets a broken pipe.
        let mut child = exe()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{args:?}: {}", stderr(&o));
    }
}

#[cfg(feature = "gui")]
#[test]
fn no_display_is_a_clear_error_naming_the_variables() {
    for args in [vec!["gui", "configs/cluster_grid.toml"], vec![]] {
        let o = exe()
            .args(&args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains("DISPLAY") && e.contains("WAYLAND_DISPLAY"),
            "{e}"
        );
        assert!(
            e.contains("excalibur image") && !e.contains("panicked"),
            "{e}"
        );
    }
}

#[test]
fn odd_inputs_say_what_they_are() {
    let dir = tmp();
    let lp = dir.path().join("loop.toml");
    std::os::unix::fs::symlink(&lp, &lp).unwrap();
    refused(&["check", s(&lp)], "symbolic links");
    refused(&["check", s(dir.path())], "a folder");
    let fifo = dir.path().join("f.h5");
    let c = std::ffi::CString::new(s(&fifo)).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    refused(&["inspect", s(&fifo)], "FIFO");
}
