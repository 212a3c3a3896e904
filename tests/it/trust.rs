//! Hostile and careless input against the CLI (issue 21), one test per class: outputs that
//! are devices, FIFOs or inputs; a closed stdout; memory bombs; unbounded work; a full disk;
//! signals during a write; file modes; odd inputs.

use crate::cli::{exe, run, stderr, tmp};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A quick analytic run (32 rays, a few ms).
const QUICK: &str = "title = \"quick\"\n[cosmology]\nmodel = \"static\"\n[[lenses]]\nprofile = \"point\"\nmass_msun = 1e14\ncenter_mpc = [0.0, 0.0, 0.0]\ncore_radius_mpc = 0.1\n[potential]\nmode = \"analytic\"\n[observer]\nposition_mpc = [-100.0, 0.0, 0.0]\n[rays]\npattern = \"beam\"\ntoward_mpc = [0.0, 0.0, 0.0]\nimpact_mpc = [1.0, 2.0, 5.0, 10.0]\nn_phi = 8\n[integration]\nmethod = \"rk4\"\nstep_mpc = 1.0\n[integration.stop]\ndistance_mpc = 200.0\n";

fn quick(dir: &Path) -> PathBuf {
    let p = dir.join("quick.toml");
    std::fs::write(&p, QUICK).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn refused(args: &[&str], needle: &str) {
    let o = run(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

/// The peak resident memory [bytes] of a child, from wait4's rusage (which also reaps it).
#[allow(clippy::zombie_processes)]
fn peak_rss(mut cmd: Command) -> (i32, u64, String) {
    let child = cmd
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut err = child.stderr.unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).unwrap();
        s
    });
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child; status and usage are valid out-pointers.
    unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss as u64 * 1024, reader.join().unwrap())
}

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
    // image -o X --maps X, with and without --force: refused before anything is written.
    let x = dir.path().join("x.out");
    for force in [true, false] {
        let mut args = vec!["image", "configs/teach_einstein_ring.toml", "-o", s(&x)];
        args.extend(["--maps", s(&x), "--size", "32"]);
        if force {
            args.push("--force");
        }
        refused(&args, "name one file");
        assert!(!x.exists());
    }
    assert_eq!(std::fs::read(&cfg).unwrap(), before);
    assert_eq!(std::fs::read(&run_file).unwrap(), run_bytes);
}

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
    for args in [vec!["gui", "configs/default.toml"], vec![]] {
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
fn memory_bombs_are_refused_before_memory_is_spent() {
    let dir = tmp();
    // A small HDF5 file that declares a 1200³ Φ (13.8 GB as f64), chunked and unwritten.
    let phi = dir.path().join("bomb.h5");
    let f = hdf5::File::create(&phi).unwrap();
    f.new_dataset::<f64>()
        .shape([1200, 1200, 1200])
        .chunk([16, 16, 16])
        .create("Phi")
        .unwrap();
    drop(f);
    assert!(std::fs::metadata(&phi).unwrap().len() < 100_000);
    let cfg = dir.path().join("bomb.toml");
    std::fs::write(
        &cfg,
        QUICK.replace(
            "mode = \"analytic\"",
            "mode = \"grid\"\nnodes = 64\nsize_mpc = 400.0\norigin_mpc = [-200.0, -200.0, -200.0]\nfile = \"bomb.h5\"",
        ),
    )
    .unwrap();
    let mut c = exe();
    c.args(["run", s(&cfg), "-o", s(&dir.path().join("o.h5"))]);
    let (code, rss, err) = peak_rss(c);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("[1200, 1200, 1200]") && err.contains("potential.nodes = 64"),
        "{err}"
    );
    assert!(rss < 200 << 20, "peak RSS {rss}");

    // A PNG whose header claims 100000² px (a few dozen bytes).
    let png = dir.path().join("bomb.png");
    let file = std::fs::File::create(&png).unwrap();
    let mut enc = png::Encoder::new(file, 100_000, 100_000);
    enc.set_color(png::ColorType::Rgb);
    let mut w = enc.write_header().unwrap();
    // An empty zlib stream as the only IDAT: the file is about 70 bytes, like the attack's.
    w.write_chunk(
        png::chunk::IDAT,
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    )
    .unwrap();
    drop(w);
    assert!(std::fs::metadata(&png).unwrap().len() < 100);
    let img_cfg = dir.path().join("img.toml");
    let text = std::fs::read_to_string("configs/teach_einstein_ring.toml").unwrap();
    std::fs::write(&img_cfg, text).unwrap();
    let mut c = exe();
    c.args([
        "image",
        s(&img_cfg),
        "-o",
        s(&dir.path().join("o.png")),
        "--size",
        "32",
    ]);
    c.args([
        "--set",
        "source.kind=\"image\"",
        "--set",
        "source.image=\"bomb.png\"",
    ]);
    let (code, rss, err) = peak_rss(c);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("100000 × 100000") && err.contains("32768"),
        "{err}"
    );
    assert!(rss < 200 << 20, "peak RSS {rss}");

    // A real 6000² PNG: averaged down while decoded (a whole decode holds 540 MB).
    let big = dir.path().join("big.png");
    let w = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    let mut enc = png::Encoder::new(w, 6000, 6000);
    enc.set_color(png::ColorType::Rgb);
    let mut stream = enc.write_header().unwrap().into_stream_writer().unwrap();
    let row: Vec<u8> = (0..6000 * 3).map(|k| (k % 251) as u8).collect();
    for _ in 0..6000 {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
    let mut c = exe();
    c.args([
        "image",
        s(&img_cfg),
        "-o",
        s(&dir.path().join("big_out.png")),
        "--size",
        "32",
    ]);
    c.args([
        "--set",
        "source.kind=\"image\"",
        "--set",
        "source.image=\"big.png\"",
    ]);
    let (code, rss, err) = peak_rss(c);
    assert_eq!(code, 0, "{err}");
    assert!(rss < 300 << 20, "peak RSS {rss}");

    // 10⁸ rays, allowed key by key, refused as a whole with the estimate.
    let q = quick(dir.path());
    let mut c = exe();
    c.args(["run", s(&q), "-o", s(&dir.path().join("many.h5"))]);
    c.args([
        "--set",
        "rays.pattern=\"cone_grid\"",
        "--set",
        "rays.n_theta=10000",
    ]);
    c.args([
        "--set",
        "rays.n_phi=10000",
        "--set",
        "output.memory_limit_gib=4",
    ]);
    let (code, rss, err) = peak_rss(c);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("99990001 rays") && err.contains("memory_limit_gib"),
        "{err}"
    );
    assert!(rss < 200 << 20, "peak RSS {rss}");

    // A config read from an endless device stops at the size cap.
    let start = Instant::now();
    refused(&["check", "/dev/zero"], "character device");
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn work_is_bounded_threads_sweeps_and_lens_lists() {
    let dir = tmp();
    let cfg = quick(dir.path());
    refused(&["run", s(&cfg), "--threads", "100000"], "[0, 1024]");
    // 10¹² runs: four keys of 1000 values each.
    let values = |lo: f64, step: f64| -> String {
        (0..1000)
            .map(|i| format!("{:e}", lo + step * i as f64))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let manifest = dir.path().join("huge.toml");
    std::fs::write(
        &manifest,
        format!(
            "base = \"{}\"\noutput = \"{}/{{index}}.h5\"\n[vary]\n\"lenses.0.mass_msun\" = [{}]\n\"lenses.0.center_mpc.1\" = [{}]\n\"rays.n_phi\" = [{}]\n\"integration.step_mpc\" = [{}]\n",
            s(&cfg),
            s(dir.path()),
            values(1e13, 1e10),
            values(0.0, 0.001),
            (1..=1000).map(|i| i.to_string()).collect::<Vec<_>>().join(", "),
            values(0.5, 0.001),
        ),
    )
    .unwrap();
    let start = Instant::now();
    let o = run(&["sweep", s(&manifest), "--index", "999999999999", "--quiet"]);
    let took = start.elapsed();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert!(dir.path().join("999999999999.h5").exists());
    // An unknown placeholder is an error, not part of a file name.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!(
            "base = \"{}\"\noutput = \"{}/{{mass}}.h5\"\n[vary]\n\"lenses.0.mass_msun\" = [1e13, 2e13]\n",
            s(&cfg),
            s(dir.path())
        ),
    )
    .unwrap();
    refused(&["sweep", s(&bad), "--list"], "{mass}");
    // 10⁵ lenses (light halos far apart) validate in seconds.
    let mut text = String::from("[potential]\nmode = \"analytic\"\n");
    for i in 0..100_000 {
        let (x, y, z) = (i % 47, (i / 47) % 47, i / (47 * 47));
        text.push_str(&format!(
            "[[lenses]]\nprofile = \"plummer\"\nmass_msun = 1e9\nradius_mpc = 0.1\ncenter_mpc = [{}.0, {}.0, {}.0]\n",
            x * 20,
            y * 20,
            z * 20
        ));
    }
    let many = dir.path().join("many.toml");
    std::fs::write(&many, text).unwrap();
    let start = Instant::now();
    let o = exe()
        .args(["check", s(&many)])
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

/// Runs `image … --maps` on a full file system: a tmpfs of 1 MiB in a mount namespace where
/// `unshare` may make one, else a file-size limit (EFBIG) in the same place.
#[test]
fn a_full_disk_fails_the_maps_and_leaves_nothing_behind() {
    let dir = tmp();
    let full = dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    let exe_path = env!("CARGO_BIN_EXE_excalibur");
    let cmd = format!(
        "{exe_path} image configs/teach_einstein_ring.toml -o {0}/x.png --maps {0}/m.h5 --size 256",
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
        c.arg(full.join("x.png"))
            .arg("--maps")
            .arg(full.join("m.h5"));
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
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("No space left on device") || e.contains("too large"),
        "{e}"
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
