//! Exit status: bad input is 2, a failure while running is 1.

use excalibur::config::ConfigError;

/// Marks an error as the user's input being wrong (exit status 2).
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct BadInput(pub anyhow::Error);

/// Wraps `e` as bad input.
pub fn bad_input(e: impl Into<anyhow::Error>) -> anyhow::Error {
    BadInput(e.into()).into()
}

/// 2 for bad input (a [`BadInput`] or a config error anywhere in the chain), else 1.
pub fn exit_status(e: &anyhow::Error) -> u8 {
    let input = e
        .chain()
        .any(|c| c.is::<BadInput>() || c.is::<ConfigError>());
    if input {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_status_follows_the_chain() {
        let config = ConfigError {
            file: "a.toml".into(),
            key: "potential.nodes".into(),
            message: "too few".into(),
        };
        assert_eq!(exit_status(&anyhow::Error::from(config.clone())), 2);
        assert_eq!(
            exit_status(&anyhow::Error::from(config).context("while loading")),
            2
        );
        assert_eq!(exit_status(&bad_input(anyhow::anyhow!("--shard 3/2"))), 2);
        assert_eq!(exit_status(&anyhow::anyhow!("disk full")), 1);
    }
}
