//! Outputs: never a device, a FIFO, a folder or an input; nothing left after a full disk or
//! a signal; the umask's modes.

use super::{quick, refused, s, QUICK};
use crate::cli::{exe, run, stderr, tmp};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn fifos_and_devices_survive_force_and_outputs_never_replace_inputs() {
    let dir = tmp();
    let cfg = quick(dir.path());
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(s(&fifo)).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    refused(&["run", s(&cfg), "-o", s(&fifo), "--force"], "FIFO");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    // A device node of our own (root only; elsewhere /dev/null itself, which nobody may replace).
    let dev = dir.path().join("null");
    let cdev = std::ffi::CString::new(s(&dev)).unwrap();
    // SAFETY: a valid path; makedev(1, 3) is /dev/null's number.
    let made =
        unsafe { libc::mknod(cdev.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 3)) } == 0;
    let dev = if made {
        dev
    } else {
        PathBuf::from("/dev/null")
    };
    refused(
        &["run", s(&cfg), "-o", s(&dev), "--force"],
        "character device",
    );
    assert!(std::fs::symlink_metadata(&dev)
        .unwrap()
        .file_type()
        .is_char_device());
    refused(
        &["run", s(&cfg), "-o", s(dir.path()), "--force"],
        "a folder",
    );

    // -o equal to an input, by name, by a symbolic link, by a hard link: refused, input intact.
    let before = std::fs::read(&cfg).unwrap();
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink(&cfg, &link).unwrap();
    for out in [&cfg, &link] {
        refused(&["run", s(&cfg), "-o", s(out), "--force"], "is an input");
    }
    let run_file = dir.path().join("r.h5");
    let o = run(&["run", s(&cfg), "-o", s(&run_file), "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let run_bytes = std::fs::read(&run_file).unwrap();
    refused(
        &["summarize", s(&run_file), "-o", s(&run_file), "--force"],
        "is an input",
    );
    refused(&["inspect", s(dir.path())], "is a folder");
    // merge p0 p1 -o p0.
    let parts: Vec<PathBuf> = (0..2)
        .map(|i| dir.path().join(format!("p{i}.h5")))
        .collect();
    for (i, p) in parts.iter().enumerate() {
        let shard = format!("{i}/2");
        let o = run(&["run", s(&cfg), "--shard", &shard, "-o", s(p), "--quiet"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let p0 = std::fs::read(&parts[0]).unwrap();
    refused(
        &[
            "merge",
            s(&parts[0]),
            s(&parts[1]),
            "-o",
            s(&parts[0]),
            "--force",
        ],
        "is an input",
    );
    assert_eq!(std::fs::read(&parts[0]).unwrap(), p0);
    // -o equal to potential.file and to source.image.
    let phi = dir.path().join("phi.h5");
    let f = hdf5::File::create(&phi).unwrap();
    f.new_dataset_builder()
        .with_data(&ndarray::Array3::<f64>::zeros((8, 8, 8)))
        .create("Phi")
        .unwrap();
    drop(f);
    let phi_bytes = std::fs::read(&phi).unwrap();
    let file_cfg = dir.path().join("file.toml");
    std::fs::write(
        &file_cfg,
        QUICK.replace(
            "mode = \"analytic\"",
            "mode = \"grid\"\nnodes = 8\nsize_mpc = 400.0\norigin_mpc = [-200.0, -200.0, -200.0]\nfile = \"phi.h5\"",
        ),
    )
    .unwrap();
    refused(
        &["run", s(&file_cfg), "-o", s(&phi), "--force"],
        "is an input",
    );
    assert_eq!(std::fs::read(&phi).unwrap(), phi_bytes);
    // Any two of image's outputs (-o, --maps, --fits) naming one file, with and without
    // --force: refused before anything is written.
    let x = dir.path().join("x.out");
    let y = dir.path().join("y.out");
    for (a, b) in [("-o", "--maps"), ("-o", "--fits"), ("--maps", "--fits")] {
        for force in [true, false] {
            let mut args = vec!["image", "configs/teach_einstein_ring.toml", "--size", "32"];
            args.extend([a, s(&x), b, s(&x)]);
            if a != "-o" {
                args.extend(["-o", s(&y)]);
            }
            if force {
                args.push("--force");
            }
            refused(&args, &format!("{a} and {b}"));
            assert!(!x.exists() && !y.exists());
        }
    }
    assert_eq!(std::fs::read(&cfg).unwrap(), before);
    assert_eq!(std::fs::read(&run_file).unwrap(), run_bytes);
}

/// Runs `image … --maps` and `image … --fits` on a full file system: a tmpfs of 1 MiB in a
/// mount namespace where `unshare` may make one, else a file-size limit (EFBIG) in the same
/// place.
#[test]
fn a_full_disk_fails_the_maps_and_leaves_nothing_behind() {
    full_disk("--maps", "m.h5");
    full_disk("--fits", "m.fits");
}

fn full_disk(flag: &str, name: &str) {
    let dir = tmp();
    let full = dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    let exe_path = env!("CARGO_BIN_EXE_excalibur");
    let cmd = format!(
        "{exe_path} image configs/teach_einstein_ring.toml -o {0}/x.png {flag} {0}/{name} --size 256",
        s(&full)
    );
    let namespaces = Command::new("unshare")
        .args(["-rm", "true"])
        .status()
        .is_ok_and(|s| s.success());
    let o = if namespaces {
        Command::new("unshare")
            .args(["-rm", "sh", "-c"])
            .arg(format!(
                "mount -t tmpfs -o size=1m tmpfs {} && {cmd}; rc=$?; ls -A {}; exit $rc",
                s(&full),
                s(&full)
            ))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    } else {
        let mut c = exe();
        c.args(["image", "configs/teach_einstein_ring.toml", "-o"]);
        c.arg(full.join("x.png")).arg(flag).arg(full.join(name));
        c.args(["--size", "256"]);
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            c.pre_exec(|| {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let lim = libc::rlimit {
                    rlim_cur: 1 << 20,
                    rlim_max: 1 << 20,
                };
                libc::setrlimit(libc::RLIMIT_FSIZE, &lim);
                Ok(())
            });
        }
        c.output().unwrap()
    };
    assert_eq!(o.status.code(), Some(1), "{flag}: {}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("No space left on device") || e.contains("too large"),
        "{flag}: {e}"
    );
    // Nothing in the folder: neither output, nor a temporary file (ls -A printed nothing).
    assert!(
        String::from_utf8_lossy(&o.stdout).trim().is_empty(),
        "{:?}",
        o.stdout
    );
    assert_eq!(std::fs::read_dir(&full).unwrap().count(), 0);
}

#[test]
fn a_signal_during_a_write_leaves_no_temporary_file() {
    let dir = tmp();
    let cfg = quick(dir.path());
    let out = dir.path().join("big.h5");
    // 10⁵ rays in the packed layout: the temporary file exists while the blocks are traced.
    let mut child = exe()
        .args(["run", s(&cfg), "-o", s(&out), "--quiet"])
        .args([
            "--set",
            "rays.pattern=\"cone_random\"",
            "--set",
            "rays.count=100000",
        ])
        .args([
            "--set",
            "output.layout=\"packed\"",
            "--set",
            "rays.half_angle_deg=1.0",
        ])
        .spawn()
        .unwrap();
    let temporary = || {
        std::fs::read_dir(dir.path())
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".tmp"))
    };
    let start = Instant::now();
    while !temporary() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no temporary file seen"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before a signal"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(!temporary(), "a temporary file outlived the process");
    assert!(!out.exists());
}

#[test]
fn outputs_get_the_umask_mode_and_force_keeps_the_old_mode() {
    let dir = tmp();
    let cfg = quick(dir.path());
    let out = dir.path().join("r.h5");
    let csv = dir.path().join("t.csv");
    let mut c = exe();
    c.args(["run", s(&cfg), "-o", s(&out), "--quiet"]);
    // SAFETY: umask is async-signal-safe.
    unsafe {
        c.pre_exec(|| {
            libc::umask(0o022);
            Ok(())
        });
    }
    assert!(c.status().unwrap().success());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&out), 0o644);
    assert!(run(&["summarize", s(&out), "-o", s(&csv)]).status.success());
    std::fs::set_permissions(&csv, std::fs::Permissions::from_mode(0o664)).unwrap();
    assert!(run(&["summarize", s(&out), "-o", s(&csv), "--force"])
        .status
        .success());
    assert_eq!(mode(&csv), 0o664);
    // A legal 250-byte name: its temporary name must still fit NAME_MAX.
    let long = dir.path().join(format!("{}.h5", "n".repeat(247)));
    let o = run(&["run", s(&cfg), "-o", s(&long), "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
}
