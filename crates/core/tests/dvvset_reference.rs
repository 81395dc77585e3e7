//! Every eunit case of the reference `dvvset.erl`, with its inputs and
//! expected values, plus the text and serde forms. Clocks are written as the
//! reference's Erlang terms and parsed.

// A test's own sorting, never shipped: clippy.toml's rule is for the model.
#![allow(clippy::disallowed_methods)]

use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::str::FromStr;

use wildling_core::causality::{DvvSet, ParseError, VersionVector};

/// An Erlang term used as an id: atoms order before lists, as in Erlang, so
/// the reference's id `[a]` sorts after every atom. Written `a` or `[a]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Id {
    Atom(String),
    List(String),
}

impl FromStr for Id {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(inner) => Ok(Id::List(inner.to_string())),
            None => Ok(Id::Atom(s.to_string())),
        }
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Id::Atom(a) => f.write_str(a),
            Id::List(a) => write!(f, "[{a}]"),
        }
    }
}

fn id(s: &str) -> Id {
    s.parse().unwrap()
}

/// A clock written as the reference's term.
fn clock<V: FromStr + Clone>(term: &str) -> DvvSet<Id, V>
where
    V::Err: fmt::Display,
{
    term.parse()
        .unwrap_or_else(|e| panic!("bad test clock {term}: {e}"))
}

fn vv(text: &str) -> VersionVector<Id> {
    text.parse().unwrap()
}

/// A hash of `value` (the standard library's, seeded the same every time).
fn hash(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The one check helper: `actual` must be exactly the clock `expected`, and
/// print as it. It must also equal, hash and debug-print as the same clock
/// rebuilt fresh from its entries: whatever stale values its regions hold
/// after the operations that made it must not show.
#[track_caller]
fn check<V>(actual: &DvvSet<Id, V>, expected: &str)
where
    V: FromStr + fmt::Display + fmt::Debug + PartialEq + Clone + Hash,
    V::Err: fmt::Display,
{
    let entries = actual.entries();
    let rebuilt = DvvSet::from_parts(
        entries
            .map(|e| (e.id.clone(), e.counter, e.values.to_vec()))
            .collect(),
        actual.anonymous().to_vec(),
    )
    .expect("a clock's own entries rebuild it");
    assert_eq!(*actual, rebuilt, "{actual} rebuilt fresh");
    assert_eq!(
        hash(actual),
        hash(&rebuilt),
        "{actual}: hash of the rebuilt clock"
    );
    assert_eq!(format!("{actual:?}"), format!("{rebuilt:?}"));
    assert!(actual.stored_len() >= actual.size());
    assert_eq!(
        *actual,
        clock::<V>(expected),
        "got {actual}, expected {expected}"
    );
    assert_eq!(actual.to_string(), expected.replace(' ', ""));
    // A width or precision applies to the whole term, never to its parts.
    let text = actual.to_string();
    assert_eq!(format!("{actual:>40.30}"), format!("{text:>40.30}"));
}

type S = DvvSet<Id, String>;

fn new(v: &str) -> S {
    DvvSet::new(v.to_string())
}

fn with_context(ctx: &VersionVector<Id>, v: &str) -> S {
    DvvSet::with_context(ctx, v.to_string())
}

fn sync(clocks: &[&S]) -> S {
    DvvSet::sync_list(clocks.iter().copied())
}

#[test]
fn join() {
    let a = new("v1");
    let a1 = a.clone().update(id("a"));
    let b1 = with_context(&a1.join(), "v2").update_against(&a1, id("b"));
    assert_eq!(a.join(), vv("{}"));
    assert_eq!(a1.join(), vv("{a:1}"));
    assert_eq!(b1.join(), vv("{a:1, b:1}"));
}

#[test]
fn update() {
    let a0 = new("v1").update(id("a"));
    let a1 = with_context(&a0.join(), "v2").update_against(&a0, id("a"));
    let a2 = with_context(&a1.join(), "v3").update_against(&a1, id("b"));
    let a3 = with_context(&a0.join(), "v4").update_against(&a1, id("b"));
    let a4 = with_context(&a0.join(), "v5").update_against(&a1, id("a"));
    check(&a0, "{[{a,1,[v1]}],[]}");
    check(&a1, "{[{a,2,[v2]}],[]}");
    check(&a2, "{[{a,2,[]},{b,1,[v3]}],[]}");
    check(&a3, "{[{a,2,[v2]},{b,1,[v4]}],[]}");
    check(&a4, "{[{a,3,[v5,v2]}],[]}");
}

#[test]
fn sync_cases() {
    let x: S = clock("{[{x,1,[]}],[]}");
    let a = new("v1").update(id("a"));
    let y = DvvSet::new_list(vec!["v2".to_string()]).update(id("b"));
    let a1 = DvvSet::list_with_context(&a.join(), vec!["v2".to_string()]).update(id("a"));
    let a3 = with_context(&a1.join(), "v3").update(id("b"));
    let a4 = with_context(&a1.join(), "v3").update(id("c"));
    let greater = |l: &String, r: &String| l > r;
    let w: S = clock("{[{a,1,[]}],[]}");
    let z: S = clock("{[{a,2,[v2,v1]}],[]}");
    check(&sync(&[&w, &z]), "{[{a,2,[v2]}],[]}");
    assert_eq!(sync(&[&w, &z]), sync(&[&z, &w]));
    assert_eq!(sync(&[&a, &a1]), sync(&[&a1, &a]));
    assert_eq!(sync(&[&a4, &a3]), sync(&[&a3, &a4]));
    check(&sync(&[&a4, &a3]), "{[{a,2,[]},{b,1,[v3]},{c,1,[v3]}],[]}");
    check(&sync(&[&x, &a]), "{[{a,1,[v1]},{x,1,[]}],[]}");
    assert_eq!(sync(&[&x, &a]), sync(&[&a, &x]));
    check(&sync(&[&a, &y]), "{[{a,1,[v1]},{b,1,[v2]}],[]}");
    assert_eq!(sync(&[&y, &a]), sync(&[&a, &y]));
    let lww = a4.lww(greater);
    assert_eq!(lww, sync(&[&a4, &lww]));
}

#[test]
fn sync_update() {
    let a0 = DvvSet::new_list(vec!["v1".to_string()]).update(id("a")); // Mary writes v1 without a context
    let vv1 = a0.join(); // Peter reads v1
    let a1 = DvvSet::new_list(vec!["v2".to_string()]).update_against(&a0, id("a")); // Mary writes v2 without a context
    let a2 = DvvSet::list_with_context(&vv1, vec!["v3".to_string()]).update_against(&a1, id("a")); // Peter writes v3
    assert_eq!(vv1, vv("{a:1}"));
    check(&a0, "{[{a,1,[v1]}],[]}");
    check(&a1, "{[{a,2,[v2,v1]}],[]}");
    // v3 saw v1 but not v2: only v2 and v3 remain.
    check(&a2, "{[{a,3,[v3,v2]}],[]}");
}

#[test]
fn event() {
    let a = new("v1").update(id("a"));
    let mut same = a.clone();
    same.event(id("a"), "v2".to_string());
    check(&same, "{[{a,2,[v2,v1]}],[]}");
    let mut other = a;
    other.event(id("b"), "v2".to_string());
    check(&other, "{[{a,1,[v1]},{b,1,[v2]}],[]}");
}

/// A value with a timestamp, the reference's `{Value, Timestamp}` tuple.
#[derive(Clone, Debug, PartialEq, Hash)]
struct Stamped(u32, u64);

impl FromStr for Stamped {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let inner = s
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .ok_or("expected {value, timestamp}")?;
        let (v, ts) = inner.split_once(',').ok_or("expected a comma")?;
        Ok(Stamped(
            v.trim().parse().map_err(|_| "bad value")?,
            ts.trim().parse().map_err(|_| "bad timestamp")?,
        ))
    }
}

impl fmt::Display for Stamped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{},{}}}", self.0, self.1)
    }
}

#[test]
fn lww_last() {
    let le = |a: &i64, b: &i64| a <= b;
    let by_time = |a: &Stamped, b: &Stamped| a.1 <= b.1;
    let x: DvvSet<Id, i64> = clock("{[{a,4,[5,2]},{b,1,[]},{c,1,[3]}],[]}");
    let y: DvvSet<Id, i64> = clock("{[{a,4,[5,2]},{b,1,[]},{c,1,[3]}],[10,0]}");
    let z: DvvSet<Id, i64> = clock("{[{a,4,[5,2]},{b,1,[1]}],[3]}");
    let a: DvvSet<Id, Stamped> =
        clock("{[{a,4,[{5, 1002345}, {7, 1002340}]}, {b,1,[{4, 1001340}]}], [{2, 1001140}]}");
    assert_eq!(x.last(le), Some(&5));
    assert_eq!(y.last(le), Some(&10));
    check(&x.lww(le), "{[{a,4,[5]},{b,1,[]},{c,1,[]}],[]}");
    check(&y.lww(le), "{[{a,4,[]},{b,1,[]},{c,1,[]}],[10]}");
    check(&z.lww(le), "{[{a,4,[5]},{b,1,[]}],[]}");
    check(&a.lww(by_time), "{[{a,4,[{5,1002345}]},{b,1,[]}],[]}");
}

#[test]
fn reconcile() {
    let sum = |l: Vec<&i64>| l.into_iter().sum();
    let smallest = |l: Vec<&i64>| *l.into_iter().min().unwrap();
    let x: DvvSet<Id, i64> = clock("{[{a,4,[5,2]},{b,1,[]},{c,1,[3]}],[]}");
    let y: DvvSet<Id, i64> = clock("{[{a,4,[5,2]},{b,1,[]},{c,1,[3]}],[10,0]}");
    check(&x.reconcile(sum), "{[{a,4,[]},{b,1,[]},{c,1,[]}],[10]}");
    check(&y.reconcile(sum), "{[{a,4,[]},{b,1,[]},{c,1,[]}],[20]}");
    check(&x.reconcile(smallest), "{[{a,4,[]},{b,1,[]},{c,1,[]}],[2]}");
    check(&y.reconcile(smallest), "{[{a,4,[]},{b,1,[]},{c,1,[]}],[0]}");
}

#[test]
fn less() {
    let a = DvvSet::new_list(vec!["v1".to_string()]).update(id("[a]"));
    let b = with_context(&a.join(), "v2").update(id("a"));
    let b2 = with_context(&a.join(), "v2").update(id("b"));
    let b3 = with_context(&a.join(), "v2").update(id("z"));
    let c = with_context(&b.join(), "v3").update_against(&a, id("c"));
    let d = with_context(&c.join(), "v4").update_against(&b2, id("d"));
    for (older, newer) in [(&a, &b), (&a, &c), (&b, &c), (&b, &d), (&b2, &d), (&a, &d)] {
        assert!(older.less(newer), "{older} < {newer}");
    }
    for (x, y) in [
        (&b2, &c),
        (&b, &b2),
        (&b2, &b),
        (&a, &a),
        (&c, &c),
        (&d, &b2),
        (&b3, &d),
    ] {
        assert!(!x.less(y), "not {x} < {y}");
    }
}

#[test]
fn equal() {
    let a: S = clock("{[{a,4,[v5,v0]},{b,0,[]},{c,1,[v3]}],[v0]}");
    let b: S = clock("{[{a,4,[v555,v0]},{b,0,[]},{c,1,[v3]}],[]}");
    let c: S = clock("{[{a,4,[v5,v0]},{b,0,[]}],[v6,v1]}");
    // Only the causal histories are compared.
    assert!(a.equal(&b));
    assert!(b.equal(&a));
    assert!(!a.equal(&c));
    assert!(!b.equal(&c));
}

#[test]
fn size() {
    assert_eq!(
        DvvSet::<Id, String>::new_list(vec!["v1".to_string()]).size(),
        1
    );
    assert_eq!(
        clock::<String>("{[{a,4,[v5,v0]},{b,0,[]},{c,1,[v3]}],[v4,v1]}").size(),
        5
    );
}

#[test]
fn ids_values() {
    let a: S = clock("{[{a,4,[v0,v5]},{b,0,[]},{c,1,[v3]}],[v1]}");
    let b: S = clock("{[{a,4,[v0,v555]},{b,0,[]},{c,1,[v3]}],[]}");
    let c: S = clock("{[{a,4,[]},{b,0,[]}],[v1,v6]}");
    fn sorted(s: &S) -> Vec<&str> {
        let mut v: Vec<&str> = s.values().into_iter().map(String::as_str).collect();
        v.sort();
        v
    }
    assert_eq!(a.ids(), [&id("a"), &id("b"), &id("c")]);
    assert_eq!(b.ids(), [&id("a"), &id("b"), &id("c")]);
    assert_eq!(c.ids(), [&id("a"), &id("b")]);
    assert_eq!(sorted(&a), ["v0", "v1", "v3", "v5"]);
    assert_eq!(sorted(&b), ["v0", "v3", "v555"]);
    assert_eq!(sorted(&c), ["v1", "v6"]);
}

#[test]
fn map() {
    let a: DvvSet<Id, i64> = clock("{[{a,4,[]},{b,0,[]},{c,1,[]}],[10]}");
    let b: DvvSet<Id, i64> = clock("{[{a,4,[5,0]},{b,0,[]},{c,1,[2]}],[20,10]}");
    check(&a.map(|x| x * 2), "{[{a,4,[]},{b,0,[]},{c,1,[]}],[20]}");
    check(
        &b.map(|x| x * 2),
        "{[{a,4,[10,0]},{b,0,[]},{c,1,[4]}],[40,20]}",
    );
}

#[test]
fn put_in_place_is_update_against() {
    let server: S = clock("{[{a,3,[v3,v2]},{b,1,[w1]}],[r]}");
    for ctx in ["{}", "{a:1}", "{a:3, b:1}", "{a:5, c:2}", "{b:1}"] {
        let ctx = vv(ctx);
        let mut in_place = server.clone();
        in_place.put(&ctx, id("b"), "new".to_string());
        assert_eq!(
            in_place,
            with_context(&ctx, "new").update_against(&server, id("b")),
            "context {ctx}"
        );
    }
}

#[test]
#[should_panic(expected = "exactly one anonymous value")]
fn update_rejects_a_client_clock_without_one_value() {
    let _ = DvvSet::<Id, String>::new_list(vec![]).update(id("a"));
}

#[test]
fn text_errors_name_the_problem() {
    let err = |text: &str| text.parse::<DvvSet<Id, i64>>().unwrap_err();
    assert!(matches!(
        err("{[{a,1,[x]}],[]}"),
        ParseError::Atom { what: "value", .. }
    ));
    assert!(matches!(
        err("{[{a,one,[]}],[]}"),
        ParseError::Atom {
            what: "counter",
            ..
        }
    ));
    assert!(matches!(
        err("{[{b,1,[]},{a,1,[]}],[]}"),
        ParseError::Invalid { .. }
    ));
    assert!(matches!(
        err("{[{a,1,[1,2]}],[]}"),
        ParseError::Invalid { .. }
    ));
    assert!(matches!(
        err("{[{a,1,[]}],[]"),
        ParseError::Syntax {
            expected: "'}' closing the dvvset",
            ..
        }
    ));
    assert!(matches!(
        err("{[{a,1,[]}],[]} x"),
        ParseError::Syntax { .. }
    ));
    for bad in [
        "",
        "{",
        "}",
        "{[",
        "{[{",
        "{[{a",
        "{[{a,",
        "{[{a,1,[",
        "[[]]",
        "{[],[]}}",
        "{[{a,1,[]},]}",
    ] {
        assert!(
            bad.parse::<DvvSet<Id, i64>>().is_err(),
            "{bad:?} must not parse"
        );
    }
    assert!("{a:1, a:2}".parse::<VersionVector<Id>>().is_err());
    assert_eq!(
        err("{[{a,1,[]}],[]").to_string(),
        "at byte 14: expected '}' closing the dvvset, found end of input"
    );
}

#[test]
fn serde_round_trip_and_validation() {
    let a: DvvSet<String, i64> = "{[{a,4,[5,2]},{b,1,[]}],[10]}".parse().unwrap();
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(
        serde_json::from_str::<DvvSet<String, i64>>(&json).unwrap(),
        a
    );
    let unsorted = r#"{"entries":[{"id":"b","counter":1,"values":[]},{"id":"a","counter":1,"values":[]}],"anonymous":[]}"#;
    assert!(serde_json::from_str::<DvvSet<String, i64>>(unsorted).is_err());
    let v: VersionVector<String> = "{a:2, b:1}".parse().unwrap();
    assert_eq!(serde_json::to_string(&v).unwrap(), r#"[["a",2],["b",1]]"#);
    assert!(serde_json::from_str::<VersionVector<String>>(r#"[["b",2],["a",1]]"#).is_err());
}

/// A clock's regions are as long as its longest entry needs, so a clock of
/// many empty entries and one long one would take entries × that length
/// places: refused with a message when that is past the limit, whatever
/// form it comes in, while a clock of the same entries without the long one,
/// and a long entry among a few, are read as written.
#[test]
fn a_clock_too_large_to_lay_out_is_refused() {
    let entries = |count: usize, long: usize| {
        let mut parts: Vec<(u32, u64, Vec<u32>)> =
            (0..count as u32).map(|n| (n, 1, Vec::new())).collect();
        parts[0] = (0, long as u64, (0..long as u32).collect());
        parts
    };
    let err = DvvSet::from_parts(entries(4_000, 4_000), Vec::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid clock: 4000 entries with up to 4000 values each would take more than the 512000 places a clock of this size may hold"
    );
    let text = DvvSet::from_parts(entries(10, 4_000), Vec::new())
        .expect("a long entry among a few")
        .to_string();
    let hostile = text.replacen(
        "],[]}",
        &format!(
            "{}],[]}}",
            (10..4_000)
                .map(|n| format!(",{{{n},1,[]}}"))
                .collect::<String>()
        ),
        1,
    );
    assert!(matches!(
        hostile.parse::<DvvSet<u32, u32>>(),
        Err(ParseError::Invalid { .. })
    ));
    let json = serde_json::to_string(&DvvSet::from_parts(entries(4_000, 0), Vec::new()).unwrap())
        .unwrap()
        .replacen(
            r#""counter":0,"values":[]"#,
            &format!(
                r#""counter":4000,"values":{:?}"#,
                (0..4_000).collect::<Vec<u32>>()
            ),
            1,
        );
    assert!(serde_json::from_str::<DvvSet<u32, u32>>(&json).is_err());
    let fine: DvvSet<u32, u32> =
        DvvSet::from_parts(entries(4_000, 1), Vec::new()).expect("one value each at most");
    assert_eq!(fine.size(), 1);
    // Regions are as long as the longest entry needs: one place each.
    assert_eq!(fine.stored_len(), 4_000);
}
