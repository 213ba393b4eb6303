//! Simulated shoppers: the receipts real choices produce, made by
//! candor-core's own [`Engine`] from the shop's config, for the tests, the
//! load generator and the dashboard's demo data.

use candor_core::{Config, Context, Engine, Method};

/// A deterministic stream of visitors (xorshift64*, seeded).
#[derive(Debug)]
pub struct Visitors {
    config: Config,
    state: u64,
    serial: u64,
}

/// One visitor: the consent id and the receipts their choices sent, in
/// order, as JSON.
#[derive(Debug, Clone)]
pub struct Visit {
    /// The visitor's consent id.
    pub consent_id: String,
    /// `Receipt::to_json` after each recorded change.
    pub receipts: Vec<String>,
}

impl Visitors {
    /// Visitors of the shop whose config is `config`.
    pub fn new(config: Config, seed: u64) -> Visitors {
        Visitors {
            config,
            state: seed | 1,
            serial: 0,
        }
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..100`.
    fn percent(&mut self) -> u64 {
        self.next_u64() % 100
    }

    /// The next visitor's choices, made at `now` (epoch ms): about 42 %
    /// accept all, 38 % reject all, 20 % choose purpose by purpose; one in
    /// ten changes one choice later; one in twenty has Global Privacy
    /// Control on. Languages: English, French, some German (shown in the
    /// config's default language).
    pub fn visit(&mut self, now: u64) -> Visit {
        self.serial += 1;
        let consent_id = format!("{:016x}{:016x}", self.next_u64(), self.serial);
        let language = match self.percent() {
            0..=74 => "en",
            75..=89 => "fr",
            _ => "de",
        };
        let gpc = self.percent() < 5;
        let mut engine = Engine::new(self.config.clone(), consent_id.clone());
        let session = format!("s{}", self.serial);
        let mut at = now;
        let mut receipts = Vec::new();
        let optional: Vec<String> = self
            .config
            .purposes
            .iter()
            .filter(|p| !p.required)
            .map(|p| p.id.clone())
            .collect();
        let choice = self.percent();
        {
            let ctx = Context {
                now: at,
                session: &session,
                gpc,
            };
            if choice < 42 {
                engine.accept_all(&ctx);
                receipts.push(engine.receipt(&ctx, language).to_json());
            } else if choice < 80 {
                engine.reject_all(&ctx);
                receipts.push(engine.receipt(&ctx, language).to_json());
            }
        }
        if choice >= 80 {
            for id in &optional {
                at += 700 + self.next_u64() % 3000;
                let grant = self.percent() < 40;
                if self.percent() < 80 {
                    let ctx = Context {
                        now: at,
                        session: &session,
                        gpc,
                    };
                    if engine.set(id, grant, Method::Preferences, &ctx).is_ok() {
                        receipts.push(engine.receipt(&ctx, language).to_json());
                    }
                }
            }
        }
        if self.percent() < 10 {
            if let Some(id) =
                optional.get((self.next_u64() % optional.len().max(1) as u64) as usize)
            {
                at += 60_000 + self.next_u64() % 600_000;
                let ctx = Context {
                    now: at,
                    session: &session,
                    gpc,
                };
                let grant = self.percent() < 50;
                if engine.set(id, grant, Method::Api, &ctx).is_ok() {
                    receipts.push(engine.receipt(&ctx, language).to_json());
                }
            }
        }
        Visit {
            consent_id,
            receipts,
        }
    }
}
