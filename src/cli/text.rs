//! Text tables for the terminal (stub, being written).
