//! Finding transcript files on disk (stub, being written).
