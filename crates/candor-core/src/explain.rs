//! Explanation sentences for the shopper, from a wording table per language.
