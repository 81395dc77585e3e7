//! Path data for many small shapes in one `<path>`: dots and crosses.
//!
//! A diagram with hundreds of marks batches them into a few paths (one per
//! colour and state), so that the page holds a handful of DOM nodes
//! instead of hundreds; these write one shape's part of such a path.
//!
//! CAVEATS:
//!
//! - Coordinates are written to a tenth of a unit: enough for a drawing a
//!   few hundred units wide.

use std::fmt::Write;

/// A point in a drawing's coordinates.
pub type Point = (f64, f64);

/// Appends to `out` a dot of radius `r` at `(x, y)`.
pub fn dot_path(out: &mut String, (x, y): Point, r: f64) {
    let _ = write!(
        out,
        "M{:.1},{y:.1}a{r},{r} 0 1 0 {},0a{r},{r} 0 1 0 -{},0",
        x - r,
        2.0 * r,
        2.0 * r
    );
}

/// Appends to `out` a cross of half-size `r` at `(x, y)`.
pub fn cross_path(out: &mut String, (x, y): Point, r: f64) {
    let _ = write!(
        out,
        "M{:.1},{:.1}l{},{}m0,-{}l-{},{}",
        x - r,
        y - r,
        2.0 * r,
        2.0 * r,
        2.0 * r,
        2.0 * r,
        2.0 * r
    );
}

/// The distance from `p` to the segment `a`-`b`.
pub fn distance(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx * dx + dy * dy;
    let t = if len == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len).clamp(0.0, 1.0)
    };
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
}
