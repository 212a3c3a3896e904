//! Before a window is opened: is there a display to open it on? Without one the windowing
//! library panics deep inside its start-up; the user gets the reason and the headless ways
//! instead (bad input, exit 2).

use super::exit::bad_input;
use std::path::Path;

/// Fails with a message naming DISPLAY and WAYLAND_DISPLAY when neither names a display this
/// process can reach (a local X display's socket, or the Wayland socket).
pub fn check_display(config: &Path) -> anyhow::Result<()> {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    let wayland = var("WAYLAND_DISPLAY");
    let x11 = var("DISPLAY");
    let why = match (&x11, &wayland) {
        (None, None) => "neither DISPLAY nor WAYLAND_DISPLAY is set".to_string(),
        (Some(d), None) => match local_x_socket(&d.to_string_lossy()) {
            Some(socket) if !socket.exists() => format!(
                "DISPLAY={} names a local X display whose socket {} does not exist (no X server is running there)",
                d.to_string_lossy(),
                socket.display()
            ),
            _ => return Ok(()),
        },
        _ => return Ok(()),
    };
    let c = config.display();
    Err(bad_input(anyhow::anyhow!(
        "cannot open the visualizer: {why}.\n  Headless alternatives: `excalibur run {c}` (rays to HDF5), \
`excalibur image {c} -o sky.png` (the lensed sky), or a virtual display: \
`xvfb-run -a excalibur gui {c} --screenshot shot.png`"
    )))
}

/// The socket of a local X display (":1", ":1.0", "unix:1"); None for a remote one.
fn local_x_socket(display: &str) -> Option<std::path::PathBuf> {
    let (host, rest) = display.rsplit_once(':')?;
    if !(host.is_empty() || host == "unix") {
        return None;
    }
    let number = rest.split('.').next()?;
    number.parse::<u32>().ok()?;
    Some(format!("/tmp/.X11-unix/X{number}").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_displays_have_sockets_and_remote_ones_are_left_alone() {
        assert_eq!(local_x_socket(":3.0"), Some("/tmp/.X11-unix/X3".into()));
        assert_eq!(local_x_socket("unix:0"), Some("/tmp/.X11-unix/X0".into()));
        assert_eq!(local_x_socket("host:0"), None);
        assert_eq!(local_x_socket("garbage"), None);
    }
}
