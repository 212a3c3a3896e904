//! The GIF side of a recording (`video.rs`): each frame written as only the rectangle that
//! changed since the one before, with its own NeuQuant palette, kept on screen (disposal
//! "keep") under the next.

use super::error::IoError;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// NeuQuant's sampling factor (1 best … 30 fastest); 10 is the crate's advice.
const GIF_QUANT_SPEED: i32 = 10;

/// A rectangle of a frame and how long it stays, in hundredths of a second.
pub(super) struct Patch {
    pub rect: [u32; 4],
    pub pixels: Vec<u8>,
    pub delay_cs: u32,
}

/// The smallest rectangle [x, y, width, height] holding every pixel that differs between two
/// frames of width `w`; `None` when they are equal.
pub(super) fn changed_rect(a: &[u8], b: &[u8], w: u32) -> Option<[u32; 4]> {
    let row = (w * 4) as usize;
    let rows: Vec<usize> = (0..a.len() / row)
        .filter(|&y| a[y * row..(y + 1) * row] != b[y * row..(y + 1) * row])
        .collect();
    let (&y0, &y1) = (rows.first()?, rows.last()?);
    let (mut x0, mut x1) = (w as usize, 0);
    for &y in &rows {
        let (ra, rb) = (&a[y * row..(y + 1) * row], &b[y * row..(y + 1) * row]);
        if let Some(first) = (0..w as usize).find(|&x| ra[x * 4..x * 4 + 4] != rb[x * 4..x * 4 + 4])
        {
            let last = (first..w as usize)
                .rev()
                .find(|&x| ra[x * 4..x * 4 + 4] != rb[x * 4..x * 4 + 4])
                .unwrap_or(first);
            x0 = x0.min(first);
            x1 = x1.max(last);
        }
    }
    Some([
        x0 as u32,
        y0 as u32,
        (x1 - x0 + 1) as u32,
        (y1 - y0 + 1) as u32,
    ])
}

/// The pixels of `rect` from a frame of width `w`, fully opaque (GIF has 1-bit alpha).
pub(super) fn crop(rgba: &[u8], w: u32, rect: [u32; 4]) -> Vec<u8> {
    let [x, y, rw, rh] = rect.map(|v| v as usize);
    let row = w as usize * 4;
    let mut out = Vec::with_capacity(rw * rh * 4);
    for j in y..y + rh {
        out.extend_from_slice(&rgba[j * row + x * 4..j * row + (x + rw) * 4]);
    }
    for a in out.iter_mut().skip(3).step_by(4) {
        *a = 255;
    }
    out
}

pub(super) fn write_gif_patch(
    encoder: &mut gif::Encoder<BufWriter<File>>,
    mut patch: Patch,
    target: &Path,
) -> Result<(), IoError> {
    let [x, y, w, h] = patch.rect;
    let mut frame =
        gif::Frame::from_rgba_speed(w as u16, h as u16, &mut patch.pixels, GIF_QUANT_SPEED);
    frame.left = x as u16;
    frame.top = y as u16;
    frame.delay = patch.delay_cs as u16;
    frame.dispose = gif::DisposalMethod::Keep;
    encoder.write_frame(&frame).map_err(|e| IoError::Invalid {
        path: target.to_path_buf(),
        message: format!("cannot write a GIF frame: {e}"),
    })
}

/// A test frame: RGBA pixels from `f(x, y)`, row 0 at the top.
#[cfg(test)]
pub(super) fn frame(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
    let mut out = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            out.extend_from_slice(&f(x, y));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_rectangle_is_the_smallest_holding_every_difference() {
        let a = frame(8, 6, |_, _| [0, 0, 0, 255]);
        let mut b = a.clone();
        for (x, y) in [(2, 1), (5, 3)] {
            b[((y * 8 + x) * 4) as usize] = 9;
        }
        assert_eq!(changed_rect(&a, &b, 8), Some([2, 1, 4, 3]));
        assert_eq!(changed_rect(&a, &a, 8), None);
    }
}
