//! The background source: its colour at a source-plane position (a Sérsic-like elliptical
//! galaxy, a checkerboard, or a user's PNG), and PNG files in and out.

use crate::config::{SourceConfig, SourceKind};
use crate::io::{write_atomically, IoError};
use std::path::Path;

/// Linear RGB in [0, 1].
pub type Rgb = [f32; 3];

/// The sky behind the source.
pub const BACKGROUND: Rgb = [0.01, 0.012, 0.03];

/// An RGB(A) picture in memory, row-major from the top-left.
#[derive(Debug, Clone)]
pub struct Picture {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<Rgb>,
}

/// The source as the renderer samples it.
pub struct Source {
    config: SourceConfig,
    picture: Option<Picture>,
}

impl Source {
    /// The source of a config; `base_dir` resolves `source.image`.
    pub fn new(config: &SourceConfig, base_dir: &Path) -> Result<Source, IoError> {
        let picture = if config.kind == SourceKind::Image {
            let path = if config.image.is_absolute() {
                config.image.clone()
            } else {
                base_dir.join(&config.image)
            };
            Some(read_png(&path)?)
        } else {
            None
        };
        Ok(Source {
            config: config.clone(),
            picture,
        })
    }

    /// The colour at source-plane position [right, up] [Mpc].
    pub fn colour(&self, p_mpc: [f64; 2]) -> Rgb {
        let c = &self.config;
        let x = p_mpc[0] - c.offset_mpc[0];
        let y = p_mpc[1] - c.offset_mpc[1];
        match c.kind {
            SourceKind::Galaxy => {
                let (s, co) = c.angle_deg.to_radians().sin_cos();
                let (u, v) = (co * x + s * y, -s * x + co * y);
                let r = (u * u + (v / c.axis_ratio).powi(2)).sqrt() / c.size_mpc;
                // Sérsic n = 1.5 (b ≈ 2.67): half the light inside r = size.
                let i = (-2.67 * (r.powf(1.0 / 1.5) - 1.0)).exp().min(40.0) as f32 / 14.4;
                let warm = (1.0 / (1.0 + r * r)) as f32;
                // A gentle tone curve, so the faint outskirts that lensing stretches into arcs
                // stay visible next to the bright core.
                let glow = (1.6 * i.powf(0.35)).min(1.0);
                [
                    BACKGROUND[0] + glow * (0.55 + 0.45 * warm),
                    BACKGROUND[1] + glow * (0.6 + 0.3 * warm),
                    BACKGROUND[2] + glow * (0.95 - 0.35 * warm),
                ]
            }
            SourceKind::Checkerboard => {
                let cell = ((x / c.size_mpc).floor() + (y / c.size_mpc).floor()) as i64;
                if cell.rem_euclid(2) == 0 {
                    [0.92, 0.9, 0.85]
                } else {
                    [0.1, 0.25, 0.55]
                }
            }
            SourceKind::Image => {
                let Some(p) = &self.picture else {
                    return BACKGROUND;
                };
                let height_mpc = c.size_mpc * p.height as f64 / p.width as f64;
                let col = ((x / c.size_mpc + 0.5) * p.width as f64).floor();
                let row = ((0.5 - y / height_mpc) * p.height as f64).floor();
                if col < 0.0 || row < 0.0 || col >= p.width as f64 || row >= p.height as f64 {
                    return BACKGROUND;
                }
                p.rgb[row as usize * p.width + col as usize]
            }
        }
    }
}

/// Reads a PNG (any bit depth and colour type) as RGB.
pub fn read_png(path: &Path) -> Result<Picture, IoError> {
    let bad = |m: String| IoError::invalid(path, format!("source.image: {m}"));
    let file =
        std::fs::File::open(path).map_err(IoError::file(path, "source.image: cannot open"))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| bad(e.to_string()))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| bad("too large".into()))?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| bad(e.to_string()))?;
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let rgb = (0..w * h)
        .map(|k| {
            let p = &buf[k * channels..(k + 1) * channels];
            let c = |v: u8| v as f32 / 255.0;
            match channels {
                1 | 2 => [c(p[0]); 3],
                _ => [c(p[0]), c(p[1]), c(p[2])],
            }
        })
        .collect();
    Ok(Picture {
        width: w,
        height: h,
        rgb,
    })
}

/// Writes RGB as an 8-bit PNG, atomically (see [`write_atomically`]).
pub fn write_png(path: &Path, picture: &Picture, overwrite: bool) -> Result<(), IoError> {
    let bytes: Vec<u8> = picture
        .rgb
        .iter()
        .flat_map(|c| c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8))
        .collect();
    write_atomically(path, overwrite, |tmp| {
        let fail =
            |e: png::EncodingError| IoError::invalid(path, format!("cannot encode PNG: {e}"));
        let file = std::fs::File::create(tmp).map_err(IoError::file(path, "cannot write"))?;
        let mut encoder = png::Encoder::new(
            std::io::BufWriter::new(file),
            picture.width as u32,
            picture.height as u32,
        );
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(fail)?;
        writer.write_image_data(&bytes).map_err(fail)?;
        writer.finish().map_err(fail)
    })
}
