//! The browser app (being written).
