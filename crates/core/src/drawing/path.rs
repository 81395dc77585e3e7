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

use crate::fixed_point::{push_fixed, short};

/// A point in a drawing's coordinates.
pub type Point = (f64, f64);

/// Appends to `out` a dot of radius `r` (written to a tenth, as `{r}`
/// writes it) at `(x, y)`.
pub fn dot_path(out: &mut String, (x, y): Point, r: f64) {
    let (radius, d) = (short(r, 1), short(2.0 * r, 1));
    out.push('M');
    push_fixed(out, x - r, 1);
    out.push(',');
    push_fixed(out, y, 1);
    for part in [
        "a", &radius, ",", &radius, " 0 1 0 ", &d, ",0a", &radius, ",", &radius, " 0 1 0 -", &d,
        ",0",
    ] {
        out.push_str(part);
    }
}

/// Appends to `out` a cross of half-size `r` (written to a tenth) at
/// `(x, y)`.
pub fn cross_path(out: &mut String, (x, y): Point, r: f64) {
    let d = short(2.0 * r, 1);
    out.push('M');
    push_fixed(out, x - r, 1);
    out.push(',');
    push_fixed(out, y - r, 1);
    for part in ["l", &d, ",", &d, "m0,-", &d, "l-", &d, ",", &d] {
        out.push_str(part);
    }
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
