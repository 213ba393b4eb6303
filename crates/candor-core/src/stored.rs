//! Versioned stored forms of [`Choices`](crate::Choices) and [`Ledger`](crate::Ledger).
//! Decoding never panics; anything unexpected yields `None` (fail closed).
//! (Migration notes: to be written by the core author.)
