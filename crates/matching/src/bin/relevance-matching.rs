//! Precision@5 of the matching engine against the labelled set
//! (`testdata/relevance.json`), and of a plain substring search as the
//! baseline. `--verbose` prints each need's top five with the engine's
//! explanation of its first candidate.
//!
//! `cargo run --release -p kechuang-matching --bin relevance-matching`

use kechuang_matching::relevance::{evaluate, LabelledSet};
use kechuang_matching::{Engine, Filters};

fn main() {
    let verbose = std::env::args().any(|a| a == "--verbose" || a == "-v");
    let set = LabelledSet::shipped();
    let engine = Engine::new();
    let report = evaluate(&engine, &set);
    println!(
        "labelled set: {} offers, {} needs, {} relevance labels",
        set.offers.len(),
        set.needs.len(),
        set.needs.iter().map(|n| n.relevant.len()).sum::<usize>()
    );
    let mut full = engine.clone();
    full.build_offers(set.offers.iter().cloned());
    for (r, l) in report.needs.iter().zip(&set.needs) {
        let mark = |ids: &[i64]| -> String {
            ids.iter()
                .map(|id| {
                    if l.relevant.contains(id) {
                        format!("{id}✓")
                    } else {
                        id.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!(
            "{} {:<28} engine P@5 {:.1} [{}]  baseline P@5 {:.1} [{}]",
            r.id,
            r.title,
            r.engine_p5,
            mark(&r.engine),
            r.baseline_p5,
            mark(&r.baseline)
        );
        if verbose {
            if let Some(c) = full.offers_for(&l.need, &Filters::default(), 1).first() {
                let title = full.offer(c.id).map(|o| o.title.as_str()).unwrap_or("");
                println!(
                    "    {} {} {:.2}: {}",
                    c.id,
                    title,
                    c.score,
                    c.explanation.summary_zh()
                );
            }
        }
    }
    println!();
    println!("mean precision@5  engine   {:.3}", report.engine_p5);
    println!("mean precision@5  baseline {:.3}", report.baseline_p5);
    println!(
        "best possible precision@5  {:.3} (needs with fewer than 5 relevant offers)",
        report.ideal_p5
    );
}
