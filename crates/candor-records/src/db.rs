//! Storage: one schema (`migrations/`) on SQLite or PostgreSQL, chosen by
//! the database URL. Queries are written once, in SQL both understand
//! (`$1` placeholders, `ON CONFLICT … DO NOTHING`, window functions), and
//! run through sqlx at run time: no database is needed to build.
//!
//! Receipts are only ever inserted; the one `DELETE` is the retention
//! purge. The receipt's SHA-256 (of its canonical JSON form) is the
//! primary key, so the same receipt is never stored twice, whichever
//! process or transaction tries.

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use futures_util::future::BoxFuture;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;

use crate::Error;

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// A connection pool to one of the two databases.
#[derive(Debug, Clone)]
pub enum Db {
    /// SQLite in a file (WAL, `synchronous = FULL`).
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the pool, whichever database it is: the
/// body is compiled once per driver.
macro_rules! with_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            Db::Sqlite($p) => $body,
            Db::Postgres($p) => $body,
        }
    };
}

/// A receipt ready to be stored: the row, and its choices per purpose.
#[derive(Debug, Clone)]
pub struct NewReceipt {
    /// The receipt's row, as it will read back.
    pub receipt: StoredReceipt,
    /// Per purpose: `granted`, `refused`, `none` (no choice) or `required`.
    pub choices: Vec<(String, &'static str)>,
}

/// A receipt's row, as stored and read back.
#[derive(Debug, Clone)]
pub struct StoredReceipt {
    /// SHA-256 of the canonical receipt JSON (primary key: no replays).
    pub receipt_sha256: String,
    /// The shopper's consent id.
    pub consent_id: String,
    /// Server time of arrival (epoch ms).
    pub received_at: i64,
    /// When the widget issued it (epoch ms, the browser's clock).
    pub issued_at: i64,
    /// Config revision the receipt names.
    pub revision: i64,
    /// Language of the texts shown.
    pub language: String,
    /// Method of the most recent choice.
    pub method: Option<String>,
    /// Global Privacy Control was on.
    pub gpc: bool,
    /// The receipt's texts hash, checked against the config.
    pub texts_sha256: String,
    /// The stored config document whose texts it matched.
    pub config_sha256: String,
    /// The page origin that sent it.
    pub origin: String,
    /// Keyed hash of the client's IP address, if a key is configured.
    pub client_hash: Option<String>,
    /// The receipt, canonical JSON (`Receipt::to_json`).
    pub body: String,
}

/// A stored revision of the shop's Candor config.
#[derive(Debug, Clone)]
pub struct StoredConfig {
    /// SHA-256 of the document's text.
    pub config_sha256: String,
    /// Its `revision`.
    pub revision: i64,
    /// The document.
    pub body: String,
    /// Where it came from (`file …` or `url …`).
    pub source: String,
    /// When it was first stored (epoch ms).
    pub first_seen_at: i64,
}

/// Per day and purpose, how many visitors' last receipt of the day said
/// granted, refused or no choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayChoice {
    /// Days since the epoch (UTC).
    pub day: i64,
    /// Purpose id.
    pub purpose: String,
    /// `granted`, `refused` or `none`.
    pub state: String,
    /// Visitors.
    pub visitors: i64,
}

/// Per day: receipts received and distinct visitors (consent ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    /// Days since the epoch (UTC).
    pub day: i64,
    /// Receipts received that day.
    pub receipts: i64,
    /// Distinct consent ids among them.
    pub visitors: i64,
}

const MIGRATIONS: [(i64, &str, &str); 1] = [(
    1,
    "receipts",
    include_str!("../migrations/0001_receipts.sql"),
)];

/// The migrations, compiled into the binary.
#[derive(Debug)]
struct Embedded;

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> BoxFuture<'static, Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        Box::pin(async {
            Ok(MIGRATIONS
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

const RECEIPT_COLUMNS: &str = "receipt_sha256, consent_id, received_at, issued_at, revision, \
     language, method, gpc, texts_sha256, config_sha256, origin, client_hash, body";

fn stored(row: &impl RowLike) -> Result<StoredReceipt, sqlx::Error> {
    Ok(StoredReceipt {
        receipt_sha256: row.text("receipt_sha256")?,
        consent_id: row.text("consent_id")?,
        received_at: row.int("received_at")?,
        issued_at: row.int("issued_at")?,
        revision: row.int("revision")?,
        language: row.text("language")?,
        method: row.opt_text("method")?,
        gpc: row.small("gpc")? != 0,
        texts_sha256: row.text("texts_sha256")?,
        config_sha256: row.text("config_sha256")?,
        origin: row.text("origin")?,
        client_hash: row.opt_text("client_hash")?,
        body: row.text("body")?,
    })
}

/// Column reads shared by both drivers' rows.
trait RowLike {
    fn text(&self, col: &str) -> Result<String, sqlx::Error>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, col: &str) -> Result<i64, sqlx::Error>;
    fn small(&self, col: &str) -> Result<i16, sqlx::Error>;
}

macro_rules! row_like {
    ($row:ty) => {
        impl RowLike for $row {
            fn text(&self, col: &str) -> Result<String, sqlx::Error> {
                self.try_get(col)
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error> {
                self.try_get(col)
            }
            fn int(&self, col: &str) -> Result<i64, sqlx::Error> {
                self.try_get(col)
            }
            fn small(&self, col: &str) -> Result<i16, sqlx::Error> {
                self.try_get(col)
            }
        }
    };
}
row_like!(sqlx::sqlite::SqliteRow);
row_like!(sqlx::postgres::PgRow);

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`) and brings the
    /// schema up to date.
    pub async fn connect(url: &str) -> Result<Db, Error> {
        let db = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            Db::Postgres(
                PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?,
            )
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            Db::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?,
            )
        } else {
            return Err(Error::new(format!(
                "database URL {:?}: use sqlite://FILE or postgres://USER@HOST:PORT/DB",
                url.split('@').next_back().unwrap_or_default()
            )));
        };
        let migrator = Migrator::new(Embedded).await?;
        with_pool!(&db, p => migrator.run(p).await?);
        Ok(db)
    }

    /// `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }

    /// Stores `rows` in one transaction; for each, `true` if it was stored,
    /// `false` if that receipt was already there (a replay).
    pub async fn insert_batch(&self, rows: &[NewReceipt]) -> Result<Vec<bool>, Error> {
        const INSERT: &str = "INSERT INTO receipts (receipt_sha256, consent_id, received_at, \
             received_day, issued_at, revision, language, method, gpc, texts_sha256, \
             config_sha256, origin, client_hash, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (receipt_sha256) DO NOTHING";
        const CHOICE: &str =
            "INSERT INTO receipt_choices (receipt_sha256, purpose_id, state) VALUES ($1, $2, $3)";
        let mut stored = Vec::with_capacity(rows.len());
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            for NewReceipt { receipt: r, choices } in rows {
                let done = sqlx::query(INSERT)
                    .bind(&r.receipt_sha256)
                    .bind(&r.consent_id)
                    .bind(r.received_at)
                    .bind(r.received_at.div_euclid(DAY_MS))
                    .bind(r.issued_at)
                    .bind(r.revision)
                    .bind(&r.language)
                    .bind(r.method.as_deref())
                    .bind(i16::from(r.gpc))
                    .bind(&r.texts_sha256)
                    .bind(&r.config_sha256)
                    .bind(&r.origin)
                    .bind(r.client_hash.as_deref())
                    .bind(&r.body)
                    .execute(&mut *tx)
                    .await?;
                let new = done.rows_affected() == 1;
                if new {
                    for (purpose, state) in choices {
                        sqlx::query(CHOICE)
                            .bind(&r.receipt_sha256)
                            .bind(purpose)
                            .bind(*state)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                stored.push(new);
            }
            tx.commit().await?;
        });
        Ok(stored)
    }

    /// Every receipt of one consent id, oldest first (at most `limit`).
    pub async fn by_consent_id(&self, id: &str, limit: i64) -> Result<Vec<StoredReceipt>, Error> {
        let sql = format!(
            "SELECT {RECEIPT_COLUMNS} FROM receipts WHERE consent_id = $1 \
             ORDER BY issued_at, received_at, receipt_sha256 LIMIT $2"
        );
        with_pool!(self, p => {
            let rows = sqlx::query(&sql).bind(id).bind(limit).fetch_all(p).await?;
            Ok(rows.iter().map(stored).collect::<Result<_, _>>()?)
        })
    }

    /// Receipts received in `[from, to)` (epoch ms) after the key `after`
    /// (`received_at`, `receipt_sha256`), in that order, at most `limit`:
    /// one page of an export.
    pub async fn export_page(
        &self,
        from: i64,
        to: i64,
        after: Option<(i64, &str)>,
        limit: i64,
    ) -> Result<Vec<StoredReceipt>, Error> {
        let sql = format!(
            "SELECT {RECEIPT_COLUMNS} FROM receipts \
             WHERE received_at >= $1 AND received_at < $2 \
             AND (received_at > $3 OR (received_at = $3 AND receipt_sha256 > $4)) \
             ORDER BY received_at, receipt_sha256 LIMIT $5"
        );
        let (after_at, after_hash) = after.unwrap_or((i64::MIN, ""));
        with_pool!(self, p => {
            let rows = sqlx::query(&sql)
                .bind(from)
                .bind(to)
                .bind(after_at)
                .bind(after_hash)
                .bind(limit)
                .fetch_all(p)
                .await?;
            Ok(rows.iter().map(stored).collect::<Result<_, _>>()?)
        })
    }

    /// Receipts and distinct visitors per day, for days `from..=to`.
    pub async fn day_counts(&self, from: i64, to: i64) -> Result<Vec<DayCount>, Error> {
        const SQL: &str = "SELECT received_day AS day, COUNT(*) AS receipts, \
             COUNT(DISTINCT consent_id) AS visitors FROM receipts \
             WHERE received_day >= $1 AND received_day <= $2 \
             GROUP BY received_day ORDER BY received_day";
        with_pool!(self, p => {
            let rows = sqlx::query(SQL).bind(from).bind(to).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(DayCount {
                    day: row.int("day")?,
                    receipts: row.int("receipts")?,
                    visitors: row.int("visitors")?,
                });
            }
            Ok(out)
        })
    }

    /// Per day of `from..=to` and purpose: each visitor's state in their
    /// last receipt of that day, counted. With `per_day` false, each
    /// visitor's last receipt of the whole range instead (`day` is then
    /// `to`).
    pub async fn day_choices(
        &self,
        from: i64,
        to: i64,
        per_day: bool,
    ) -> Result<Vec<DayChoice>, Error> {
        let (partition, day) = if per_day {
            ("consent_id, received_day", "l.received_day")
        } else {
            ("consent_id", "$2")
        };
        let sql = format!(
            "SELECT {day} AS day, c.purpose_id, c.state, COUNT(*) AS visitors FROM ( \
               SELECT receipt_sha256, received_day, ROW_NUMBER() OVER ( \
                 PARTITION BY {partition} \
                 ORDER BY issued_at DESC, received_at DESC, receipt_sha256 DESC) AS n \
               FROM receipts WHERE received_day >= $1 AND received_day <= $2) l \
             JOIN receipt_choices c ON c.receipt_sha256 = l.receipt_sha256 \
             WHERE l.n = 1 AND c.state <> 'required' \
             GROUP BY {day}, c.purpose_id, c.state ORDER BY 1, 2, 3"
        );
        with_pool!(self, p => {
            let rows = sqlx::query(&sql).bind(from).bind(to).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(DayChoice {
                    day: row.int("day")?,
                    purpose: row.text("purpose_id")?,
                    state: row.text("state")?,
                    visitors: row.int("visitors")?,
                });
            }
            Ok(out)
        })
    }

    /// Deletes the receipts received before `before` (epoch ms); returns
    /// how many.
    pub async fn purge(&self, before: i64) -> Result<u64, Error> {
        const CHOICES: &str = "DELETE FROM receipt_choices WHERE receipt_sha256 IN \
             (SELECT receipt_sha256 FROM receipts WHERE received_at < $1)";
        const RECEIPTS: &str = "DELETE FROM receipts WHERE received_at < $1";
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query(CHOICES).bind(before).execute(&mut *tx).await?;
            let done = sqlx::query(RECEIPTS).bind(before).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(done.rows_affected())
        })
    }

    /// How many receipts are stored.
    pub async fn count(&self) -> Result<i64, Error> {
        with_pool!(self, p => {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM receipts").fetch_one(p).await?;
            Ok(row.int("n")?)
        })
    }

    /// Receipts stored, the bytes of their JSON bodies, and the bytes the
    /// database uses for them on disk (tables and indexes; SQLite: the
    /// whole file after a checkpoint).
    pub async fn storage(&self) -> Result<(i64, i64, i64), Error> {
        const SUMS: &str =
            "SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(body)), 0) AS bytes FROM receipts";
        let (n, body) = with_pool!(self, p => {
            let row = sqlx::query(SUMS).fetch_one(p).await?;
            (row.int("n")?, row.int("bytes")?)
        });
        let total = match self {
            Db::Sqlite(p) => {
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(p).await?;
                let pages: i64 = sqlx::query_scalar("PRAGMA page_count").fetch_one(p).await?;
                let size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(p).await?;
                pages * size
            }
            Db::Postgres(p) => {
                sqlx::query_scalar(
                    "SELECT pg_total_relation_size('receipts') + pg_total_relation_size('receipt_choices')",
                )
                .fetch_one(p)
                .await?
            }
        };
        Ok((n, body, total))
    }

    /// Every stored receipt's hash, and how many rows carry it (always 1:
    /// it is the primary key; the crash test checks it anyway).
    pub async fn receipt_hashes(&self) -> Result<Vec<(String, i64)>, Error> {
        const SQL: &str = "SELECT receipt_sha256, COUNT(*) AS n FROM receipts \
             GROUP BY receipt_sha256";
        with_pool!(self, p => {
            let rows = sqlx::query(SQL).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push((row.text("receipt_sha256")?, row.int("n")?));
            }
            Ok(out)
        })
    }

    /// Stores a config document unless it is already there; `true` if new.
    pub async fn save_config(&self, c: &StoredConfig) -> Result<bool, Error> {
        const SQL: &str = "INSERT INTO site_configs \
             (config_sha256, revision, body, source, first_seen_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (config_sha256) DO NOTHING";
        with_pool!(self, p => {
            let done = sqlx::query(SQL)
                .bind(&c.config_sha256)
                .bind(c.revision)
                .bind(&c.body)
                .bind(&c.source)
                .bind(c.first_seen_at)
                .execute(p)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Every stored config document, oldest first.
    pub async fn configs(&self) -> Result<Vec<StoredConfig>, Error> {
        const SQL: &str = "SELECT config_sha256, revision, body, source, first_seen_at \
             FROM site_configs ORDER BY first_seen_at, config_sha256";
        with_pool!(self, p => {
            let rows = sqlx::query(SQL).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(StoredConfig {
                    config_sha256: row.text("config_sha256")?,
                    revision: row.int("revision")?,
                    body: row.text("body")?,
                    source: row.text("source")?,
                    first_seen_at: row.int("first_seen_at")?,
                });
            }
            Ok(out)
        })
    }
}
