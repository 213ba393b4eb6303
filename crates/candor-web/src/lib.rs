//! candor-web
