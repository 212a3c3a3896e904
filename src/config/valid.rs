//! The validated config: the only kind the tracer accepts.

use super::error::ConfigError;
use super::schema::RunConfig;

/// A config that passed [`RunConfig::validate`], with implicit defaults made explicit
/// ([`RunConfig::resolved`]). Shared behind an `Arc`: an edit is copied once, when the panel
/// submits its draft, and every later holder (session, model, scene) shares that copy.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidConfig(std::sync::Arc<(RunConfig, RunConfig)>);

impl std::ops::Deref for ValidConfig {
    type Target = RunConfig;
    fn deref(&self) -> &RunConfig {
        &self.0 .0
    }
}

impl ValidConfig {
    /// The resolved config, every default explicit (what runs, and what files record).
    pub fn config(&self) -> &RunConfig {
        &self.0 .0
    }

    /// The config as it was given, implicit defaults still implicit: what an editor edits, so
    /// that a default follows the edits (a point lens's default core grows with its mass; a
    /// resolved one would stay at the old mass's weak-field edge and refuse the new mass).
    pub fn as_given(&self) -> &RunConfig {
        &self.0 .1
    }
}

impl RunConfig {
    /// Validates and resolves: the only way to a [`ValidConfig`].
    pub fn into_valid(self) -> Result<ValidConfig, ConfigError> {
        // Resolved first: the weak-field check needs the default cores it resolves.
        let resolved = self.clone().resolved();
        resolved.validate()?;
        Ok(ValidConfig(std::sync::Arc::new((resolved, self))))
    }
}

impl RunConfig {
    /// The files a run of this config reads besides the config itself (`potential.file` when
    /// the grid is imported, `source.image` for an image source), relative paths taken from
    /// `base_dir`: what no output of the run may replace.
    pub fn input_files(&self, base_dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let at = |p: &std::path::Path| {
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base_dir.join(p)
            }
        };
        let mut files = vec![];
        if self.potential.mode == super::enums::PotentialMode::Grid {
            if let Some(f) = &self.potential.file {
                files.push(at(f));
            }
        }
        if self.potential.mode == super::enums::PotentialMode::Particles {
            if let Some(p) = &self.potential.particles {
                files.push(at(&p.file));
            }
        }
        if self.source.kind == super::enums::SourceKind::Image {
            files.push(at(&self.source.image));
        }
        files
    }
}
