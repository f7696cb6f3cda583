//! The engine as the web layer will use it.

use std::sync::OnceLock;

use kechuang_matching::relevance::{evaluate, precision_at, LabelledSet};
use kechuang_matching::{
    Agreement, Candidate, Engine, Field, Filters, Mode, Modes, Need, Offer, Vocabulary,
};

/// One engine with the shipped vocabulary, cloned per test (the analyser
/// is shared, so a clone is cheap).
fn engine() -> Engine {
    static BASE: OnceLock<Engine> = OnceLock::new();
    BASE.get_or_init(Engine::new).clone()
}

fn offer(id: i64, title: &str, description: &str, keywords: &[&str]) -> Offer {
    Offer {
        id,
        title: title.into(),
        description: description.into(),
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        ..Offer::default()
    }
}

fn need(id: i64, title: &str, description: &str, keywords: &[&str]) -> Need {
    Need {
        id,
        title: title.into(),
        description: description.into(),
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        ..Need::default()
    }
}

fn ids(c: &[Candidate]) -> Vec<i64> {
    c.iter().map(|c| c.id).collect()
}

fn any() -> Filters {
    Filters::default()
}

fn assert_parts_add_up(c: &Candidate) {
    let e = &c.explanation;
    let mut terms_total = 0.0;
    for t in &e.terms {
        let by_field: f64 = t.fields.iter().map(|f| f.score).sum();
        assert!((by_field - t.score).abs() < 1e-9, "{t:?}");
        assert!(!t.fields.is_empty());
        terms_total += t.score;
    }
    assert!((terms_total - e.text_score()).abs() < 1e-9, "{e:?}");
    let total = e.text_score() + e.bonus_score();
    assert!((total - c.score).abs() < 1e-9, "{} vs {}", total, c.score);
    assert!(c.score > 0.0);
}

#[test]
fn the_domain_dictionary_keeps_terms_whole() {
    let e = engine();
    let terms = e.terms("全固态电池用硫化物电解质，兼容碳化硅与氮化镓器件的工业互联网平台");
    for t in [
        "固态电池",
        "硫化物电解质",
        "碳化硅",
        "氮化镓",
        "工业互联网平台",
    ] {
        assert!(terms.iter().any(|x| x == t), "{t} missing from {terms:?}");
    }
    // The precise cut keeps them whole too (the baseline's words).
    let words = e.words("固态电池隔膜与光刻胶");
    assert!(words.contains(&"固态电池".to_string()), "{words:?}");
    assert!(words.contains(&"光刻胶".to_string()), "{words:?}");
}

#[test]
fn stop_words_single_characters_and_case() {
    let e = engine();
    let terms = e.terms("的 和 及 与 等 技术 研发 需求，SiC MOSFET、5G、MEMS 传感器 2024 年");
    assert!(
        !terms.iter().any(|t| t == "技术" || t == "的" || t == "年"),
        "{terms:?}"
    );
    assert!(!terms.iter().any(|t| t == "2024"), "{terms:?}");
    assert!(terms.iter().all(|t| t.chars().count() >= 2), "{terms:?}");
    // ASCII is lower-cased, then synonyms made canonical.
    assert!(terms.contains(&"碳化硅".to_string()), "{terms:?}");
    assert!(terms.contains(&"mosfet".to_string()), "{terms:?}");
    assert!(terms.contains(&"5g".to_string()), "{terms:?}");
    // No fragment of an ASCII word (the `ic` of `sic` would be 集成电路).
    assert!(!terms.contains(&"集成电路".to_string()), "{terms:?}");
    // Full-width letters are ASCII.
    assert_eq!(e.terms("ＧａＮ"), vec!["氮化镓".to_string()]);
}

#[test]
fn synonyms_match_across_wording() {
    let mut e = engine();
    e.build_offers([
        offer(1, "新能源汽车热泵空调", "冬季续航提升", &[]),
        offer(2, "激光雷达点云标定", "", &[]),
        offer(3, "钢结构防火涂料", "", &[]),
    ]);
    let n = need(10, "电动汽车", "", &[]);
    let found = e.offers_for(&n, &any(), 10);
    assert_eq!(ids(&found), vec![1]);
    let t = &found[0].explanation.terms;
    assert!(t.iter().any(|t| t.term == "新能源汽车"), "{t:?}");
    assert_eq!(ids(&e.search_offers("LiDAR", &any(), 10)), vec![2]);
    assert_eq!(ids(&e.search_offers("lidar", &any(), 10)), vec![2]);
}

#[test]
fn explanation_lists_shared_terms_with_fields_and_parts_that_add_up() {
    let mut e = engine();
    let mut o = offer(
        1,
        "固态电池电解质",
        "硫化物固态电解质，离子电导率高",
        &["固态电池", "电解质"],
    );
    o.chain_node_id = Some(7);
    o.trl = Some(5);
    o.modes = Modes::of(&[Mode::License]);
    e.build_offers([o, offer(2, "锂电池隔膜涂覆", "陶瓷涂覆隔膜", &["隔膜"])]);
    let mut n = need(9, "固态电池", "需要高电导率的电解质", &[]);
    n.chain_node_id = Some(7);
    n.trl_range = Some((4, 6));
    n.modes = Modes::of(&[Mode::License, Mode::Transfer]);
    let found = e.offers_for(&n, &any(), 5);
    assert_eq!(found[0].id, 1);
    let c = &found[0];
    assert_parts_add_up(c);
    let solid = c
        .explanation
        .terms
        .iter()
        .find(|t| t.term == "固态电池")
        .expect("固态电池 is shared");
    let fields: Vec<Field> = solid.fields.iter().map(|f| f.field).collect();
    assert_eq!(fields, vec![Field::Title, Field::Keywords]);
    let electrolyte = c
        .explanation
        .terms
        .iter()
        .find(|t| t.term == "电解质")
        .unwrap();
    assert!(electrolyte
        .fields
        .iter()
        .any(|f| f.field == Field::Description));
    let agreements: Vec<Agreement> = c.explanation.bonuses.iter().map(|b| b.agreement).collect();
    assert_eq!(
        agreements,
        vec![Agreement::ChainNode, Agreement::Trl, Agreement::Mode]
    );
    let line = c.explanation.summary_zh();
    assert!(
        line.starts_with("共享词：固态电池（标题、关键词）"),
        "{line}"
    );
    assert!(line.contains("同一产业链节点 +"), "{line}");
    assert!(line.contains("TRL 符合 +"), "{line}");
    // 固态 and 电池 are inside 固态电池: scored, but not repeated in the line.
    assert!(c.explanation.terms.iter().any(|t| t.term == "固态"));
    assert!(!line.contains("、固态（"), "{line}");
}

#[test]
fn filters_exclude() {
    let mut e = engine();
    let base = |id: i64| offer(id, "碳化硅功率模块", "车规级碳化硅模块", &[]);
    let mut a = base(1);
    a.chain_node_id = Some(1);
    a.field = Some("集成电路".into());
    a.trl = Some(7);
    a.modes = Modes::of(&[Mode::Transfer]);
    a.region = Some("重庆市沙坪坝区".into());
    a.price_fen = Some((100_000_000, 300_000_000));
    let mut b = base(2);
    b.chain_node_id = Some(2);
    b.field = Some("新能源汽车".into());
    b.trl = Some(3);
    b.modes = Modes::of(&[Mode::Equity]);
    b.region = Some("四川省成都市".into());
    b.price_fen = Some((500_000_000, 900_000_000));
    let c = base(3); // no structured data at all
    e.build_offers([a, b, c]);
    let q = "碳化硅";
    assert_eq!(e.search_offers(q, &any(), 10).len(), 3);
    let only = |f: Filters| ids(&e.search_offers(q, &f, 10));
    assert_eq!(
        only(Filters {
            chain_node_ids: vec![1, 5],
            ..any()
        }),
        vec![1]
    );
    assert_eq!(
        only(Filters {
            field: Some("新能源汽车".into()),
            ..any()
        }),
        vec![2]
    );
    assert_eq!(
        only(Filters {
            trl: Some((6, 9)),
            ..any()
        }),
        vec![1]
    );
    assert_eq!(
        only(Filters {
            modes: Modes::of(&[Mode::Equity, Mode::License]),
            ..any()
        }),
        vec![2]
    );
    assert_eq!(
        only(Filters {
            region: Some("重庆市".into()),
            ..any()
        }),
        vec![1]
    );
    // 200 万元 reaches offer 1's range (100–300 万元) but not offer 2's (500–900 万元).
    assert_eq!(
        only(Filters {
            budget_fen: Some((0, 200_000_000)),
            ..any()
        }),
        vec![1]
    );
    assert_eq!(
        only(Filters {
            trl: Some((1, 9)),
            region: Some("四川".into()),
            ..any()
        }),
        vec![2]
    );
    // Filters work for offers_for too.
    let n = need(9, "碳化硅模块", "", &[]);
    assert_eq!(
        ids(&e.offers_for(
            &n,
            &Filters {
                trl: Some((1, 4)),
                ..any()
            },
            10
        )),
        vec![2]
    );
}

#[test]
fn structured_agreement_ranks_an_otherwise_equal_candidate_higher() {
    let text = |id| {
        offer(
            id,
            "机器视觉缺陷检测",
            "锂电池极片表面缺陷在线检测",
            &["缺陷检测"],
        )
    };
    let mut n = need(9, "极片缺陷检测", "", &[]);
    n.chain_node_id = Some(5);
    n.field = Some("智能制造".into());
    n.trl_range = Some((6, 9));
    n.modes = Modes::of(&[Mode::Service]);
    n.budget_fen = Some(50_000_000);
    type Agree = fn(&mut Offer);
    let agreeing: [(Agreement, Agree); 5] = [
        (Agreement::ChainNode, |o| o.chain_node_id = Some(5)),
        (Agreement::Field, |o| o.field = Some("智能制造".into())),
        (Agreement::Trl, |o| o.trl = Some(7)),
        (Agreement::Mode, |o| {
            o.modes = Modes::of(&[Mode::Service, Mode::License])
        }),
        (Agreement::Budget, |o| {
            o.price_fen = Some((30_000_000, 80_000_000))
        }),
    ];
    for (agreement, set) in agreeing {
        // The agreeing offer has the higher id, so it does not win a tie.
        let mut e = engine();
        let mut o = text(2);
        set(&mut o);
        let mut other = text(1);
        other.chain_node_id = Some(6);
        other.field = Some("新材料".into());
        other.trl = Some(3);
        other.modes = Modes::of(&[Mode::Equity]);
        other.price_fen = Some((90_000_000, 100_000_000));
        e.build_offers([other, o]);
        let found = e.offers_for(&n, &any(), 10);
        assert_eq!(ids(&found), vec![2, 1], "{agreement:?}");
        let bonus: Vec<Agreement> = found[0]
            .explanation
            .bonuses
            .iter()
            .map(|b| b.agreement)
            .collect();
        assert_eq!(bonus, vec![agreement]);
        assert!(found[1].explanation.bonuses.is_empty());
        assert!(
            (found[0].explanation.text_score() - found[1].explanation.text_score()).abs() < 1e-9
        );
        for c in &found {
            assert_parts_add_up(c);
        }
    }
}

#[test]
fn the_engine_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Engine>();
    shared::<Candidate>();
}

#[test]
fn empty_filter_texts_are_unset() {
    let mut e = engine();
    e.build_offers([offer(1, "碳化硅", "", &[])]);
    let f = Filters {
        field: Some(" ".into()),
        region: Some(String::new()),
        ..any()
    };
    assert_eq!(ids(&e.search_offers("碳化硅", &f, 10)), vec![1]);
}

#[test]
fn structure_alone_never_makes_a_candidate() {
    let mut e = engine();
    let mut o = offer(1, "氢燃料电池膜电极", "", &[]);
    o.chain_node_id = Some(5);
    e.build_offers([o]);
    let mut n = need(9, "中药配方颗粒", "", &[]);
    n.chain_node_id = Some(5);
    assert!(e.offers_for(&n, &any(), 10).is_empty());
}

#[test]
fn needs_for_is_symmetric() {
    let mut e = engine();
    let mut o = offer(
        1,
        "碳化硅功率器件",
        "1200V碳化硅MOSFET，用于电机控制器",
        &["碳化硅"],
    );
    o.chain_node_id = Some(3);
    o.trl = Some(6);
    o.modes = Modes::of(&[Mode::Transfer]);
    o.price_fen = Some((100, 200));
    let mut n1 = need(11, "电机控制器用SiC器件", "寻求碳化硅MOSFET", &[]);
    n1.chain_node_id = Some(3);
    n1.trl_range = Some((5, 8));
    n1.modes = Modes::of(&[Mode::Transfer]);
    n1.budget_fen = Some(150);
    let n2 = need(12, "中药提取工艺", "超临界萃取", &[]);
    let n3 = need(13, "功率器件封装", "银烧结", &[]);
    e.build_offers([o.clone()]);
    e.build_needs([n1.clone(), n2, n3]);
    assert_eq!(e.need_count(), 3);
    let found = e.needs_for(&o, &any(), 10);
    assert_eq!(found[0].id, 11);
    assert!(!ids(&found).contains(&12));
    let back = e.offers_for(&n1, &any(), 10);
    assert_eq!(ids(&back), vec![1]);
    let kinds = |c: &Candidate| {
        c.explanation
            .bonuses
            .iter()
            .map(|b| b.agreement)
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&found[0]), kinds(&back[0]));
    assert_eq!(kinds(&found[0]).len(), 4);
    assert_parts_add_up(&found[0]);
    // Needs take filters too: 11 has a budget of 150 fen, 13 none.
    assert_eq!(
        ids(&e.needs_for(
            &o,
            &Filters {
                budget_fen: Some((100, 200)),
                ..any()
            },
            10
        )),
        vec![11]
    );
    assert_eq!(ids(&e.search_needs("萃取", &any(), 10)), vec![12]);
}

#[test]
fn empty_queries_give_nothing() {
    let mut e = engine();
    assert!(e.search_offers("固态电池", &any(), 10).is_empty());
    assert!(e.offers_for(&Need::default(), &any(), 10).is_empty());
    e.build_offers([offer(1, "固态电池", "", &[])]);
    assert!(e.search_offers("", &any(), 10).is_empty());
    assert!(e.search_offers("   \n\t", &any(), 10).is_empty());
    assert!(e
        .search_offers("的 和 与 技术，。！", &any(), 10)
        .is_empty());
    assert!(e.offers_for(&Need::default(), &any(), 10).is_empty());
    assert!(e.needs_for(&Offer::default(), &any(), 10).is_empty());
    assert!(e.search_offers("固态电池", &any(), 0).is_empty());
    assert_eq!(e.search_offers("固态电池", &any(), 10).len(), 1);
}

#[test]
fn long_input_and_odd_unicode_do_not_panic() {
    let mut e = engine();
    let odd = [
        "\u{0}\u{1}\u{7f}",
        "🔋⚡️👩‍🔬🇨🇳",
        "e\u{301}\u{302}\u{303} combining",
        "\u{200b}\u{200d}\u{feff}\u{2028}\u{2029}",
        "مرحبا עברית",
        "\u{e000}\u{f8ff}\u{10ffff}",
        "𠀀𪚥𰻞𰻞面 固态电池",
        "ＳｉＣ　ＭＯＳＦＥＴ",
        "---...+++###&&&%%%",
        "a",
        "固",
    ];
    for (i, t) in odd.iter().enumerate() {
        e.upsert_offer(offer(i as i64, t, t, &[t]));
        let _ = e.search_offers(t, &any(), 5);
        let _ = e.offers_for(&need(1, t, t, &[t]), &any(), 5);
        let _ = e.terms(t);
    }
    let long: String = "新能源汽车固态电池电解质材料，".repeat(40_000);
    e.upsert_offer(offer(100, &long, &long, &[long.as_str()]));
    let found = e.search_offers(&long, &any(), 3);
    assert!(found.iter().any(|c| c.id == 100));
    for c in &found {
        assert_parts_add_up(c);
    }
    let many_terms: String = (0..5_000).map(|i| format!("词{i} ")).collect();
    let _ = e.search_offers(&many_terms, &any(), 3);
    assert!(e.remove_offer(100));
    assert_eq!(e.offer_count(), odd.len());
}

/// SplitMix64: a tiny deterministic generator for the property test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const WORDS: &[&str] = &[
    "固态电池",
    "电解质",
    "碳化硅",
    "功率模块",
    "机器视觉",
    "缺陷检测",
    "光刻胶",
    "储能",
    "氢燃料电池",
    "膜电极",
    "激光雷达",
    "基因编辑",
    "柔性显示",
    "工业互联网",
    "电动汽车",
    "新能源汽车",
    "MEMS",
    "传感器",
    "算法",
    "材料",
    "工艺",
    "设备",
];

fn random_offer(rng: &mut Rng, id: i64) -> Offer {
    let mut text = |n: usize| {
        (0..n)
            .map(|_| rng.pick(WORDS))
            .collect::<Vec<_>>()
            .join("，")
    };
    let title = text(1 + id as usize % 3);
    let description = text(3 + id as usize % 7);
    let keywords = vec![text(1), text(1)];
    Offer {
        id,
        title,
        description,
        keywords,
        chain_node_id: Some(id % 4),
        trl: Some((id % 9 + 1) as u8),
        modes: Modes::of(&[Mode::ALL[id as usize % 5]]),
        ..Offer::default()
    }
}

#[test]
fn upserts_and_removals_keep_scores_equal_to_a_fresh_build() {
    let queries = [
        "固态电池 电解质",
        "碳化硅功率模块",
        "机器视觉缺陷检测算法",
        "电动汽车",
        "材料工艺设备",
    ];
    let mut probe = need(1, "固态电池碳化硅", "储能材料与机器视觉", &["膜电极"]);
    probe.chain_node_id = Some(1);
    probe.trl_range = Some((3, 6));
    probe.modes = Modes::of(&[Mode::License]);
    let base = engine();
    for seed in 0..12u64 {
        let mut rng = Rng(seed);
        let mut live = base.clone();
        let mut current: std::collections::BTreeMap<i64, Offer> = Default::default();
        for _ in 0..150 {
            let id = rng.below(40) as i64;
            if rng.below(3) == 0 {
                let existed = current.remove(&id).is_some();
                assert_eq!(live.remove_offer(id), existed);
            } else {
                let o = random_offer(&mut rng, id);
                current.insert(id, o.clone());
                live.upsert_offer(o);
            }
            assert_eq!(live.offer_count(), current.len());
        }
        let mut fresh = base.clone();
        fresh.build_offers(current.values().rev().cloned());
        assert_eq!(fresh.offer_count(), live.offer_count());
        let compare = |a: Vec<Candidate>, b: Vec<Candidate>| {
            assert_eq!(ids(&a), ids(&b), "seed {seed}");
            for (x, y) in a.iter().zip(&b) {
                assert!(
                    (x.score - y.score).abs() < 1e-9,
                    "seed {seed}: {} vs {}",
                    x.score,
                    y.score
                );
                assert_eq!(x.explanation.terms.len(), y.explanation.terms.len());
                assert_parts_add_up(x);
            }
        };
        for q in queries {
            compare(
                live.search_offers(q, &any(), 10),
                fresh.search_offers(q, &any(), 10),
            );
        }
        compare(
            live.offers_for(&probe, &any(), 10),
            fresh.offers_for(&probe, &any(), 10),
        );
    }
}

#[test]
fn top_k_is_the_head_of_the_full_ranking() {
    let mut e = engine();
    let mut rng = Rng(7);
    e.build_offers((0..300).map(|id| random_offer(&mut rng, id)));
    for q in ["固态电池", "碳化硅 传感器 算法", "材料"] {
        let all = e.search_offers(q, &any(), 1_000);
        for k in [1, 3, 10, 50] {
            let top = e.search_offers(q, &any(), k);
            assert_eq!(
                ids(&top),
                ids(&all)[..k.min(all.len())].to_vec(),
                "{q} top {k}"
            );
        }
        assert!(all.windows(2).all(|w| w[0].score >= w[1].score));
    }
}

#[test]
fn upsert_replaces_the_old_version() {
    let mut e = engine();
    e.upsert_offer(offer(1, "光刻胶树脂", "", &[]));
    assert_eq!(ids(&e.search_offers("光刻胶", &any(), 10)), vec![1]);
    e.upsert_offer(offer(1, "钠离子电池", "", &[]));
    assert_eq!(e.offer_count(), 1);
    assert!(e.search_offers("光刻胶", &any(), 10).is_empty());
    assert_eq!(ids(&e.search_offers("钠离子电池", &any(), 10)), vec![1]);
    assert_eq!(e.offer(1).map(|o| o.title.as_str()), Some("钠离子电池"));
    assert!(e.remove_offer(1));
    assert!(!e.remove_offer(1));
    assert_eq!(e.offer_count(), 0);
}

#[test]
fn administrators_extend_the_vocabulary_at_runtime() {
    let extra = Vocabulary {
        words: vec!["钒钛磁铁矿".into()],
        synonym_groups: vec![vec!["钠电".into(), "钠离子电池".into()]],
    };
    let mut e = Engine::with_vocabulary(&extra).expect("valid");
    assert!(e
        .terms("钒钛磁铁矿综合利用")
        .contains(&"钒钛磁铁矿".to_string()));
    e.build_offers([offer(1, "钠离子电池正极", "", &[])]);
    assert_eq!(ids(&e.search_offers("钠电", &any(), 10)), vec![1]);
    assert_eq!(e.vocabulary(), &extra);

    // Joining a shipped group: 电驴 becomes 新能源汽车, and what was indexed
    // is analysed again.
    let mut plain = engine();
    plain.build_offers([offer(2, "新能源汽车轻量化", "", &[])]);
    assert!(plain.search_offers("电驴", &any(), 10).is_empty());
    let more = Vocabulary {
        words: vec![],
        synonym_groups: vec![vec!["电驴".into(), "电动汽车".into()]],
    };
    plain.set_vocabulary(&more).expect("valid");
    assert_eq!(ids(&plain.search_offers("电驴", &any(), 10)), vec![2]);

    let bad = Vocabulary {
        words: vec!["两个 词".into()],
        synonym_groups: vec![],
    };
    assert!(Engine::with_vocabulary(&bad).is_err());
    assert!(plain.set_vocabulary(&bad).is_err());
    assert_eq!(ids(&plain.search_offers("电驴", &any(), 10)), vec![2]);
}

#[test]
fn candidates_serialise_to_json() {
    let mut e = engine();
    let mut o = offer(1, "固态电池", "", &[]);
    o.modes = Modes::of(&[Mode::Transfer, Mode::Equity]);
    e.build_offers([o.clone()]);
    let c = e.search_offers("固态电池", &any(), 1);
    let v = serde_json::to_value(&c).unwrap();
    assert_eq!(v[0]["id"], 1);
    assert_eq!(
        v[0]["explanation"]["terms"][0]["fields"][0]["field"],
        "title"
    );
    let o_json = serde_json::to_value(&o).unwrap();
    assert_eq!(o_json["modes"], serde_json::json!(["transfer", "equity"]));
    let back: Offer = serde_json::from_value(o_json).unwrap();
    assert_eq!(back, o);
    let f: Filters = serde_json::from_str(r#"{"modes":["license"],"trl":[4,9]}"#).unwrap();
    assert_eq!(f.modes, Modes::of(&[Mode::License]));
    assert_eq!(f.trl, Some((4, 9)));
}

#[test]
fn the_engine_beats_substring_search_on_the_labelled_set() {
    let set = LabelledSet::shipped();
    assert!(set.offers.len() >= 150);
    assert!(set.needs.len() >= 30);
    for l in &set.needs {
        assert!(!l.relevant.is_empty());
        for id in &l.relevant {
            assert!(
                set.offers.iter().any(|o| o.id == *id),
                "need {} names {id}",
                l.need.id
            );
        }
    }
    let report = evaluate(&engine(), &set);
    assert!(
        report.engine_p5 > report.baseline_p5 + 0.1,
        "engine {:.3}, baseline {:.3}",
        report.engine_p5,
        report.baseline_p5
    );
    assert!(report.engine_p5 <= report.ideal_p5);
    assert_eq!(precision_at(&[1, 2, 3], &[2, 3, 9], 5), 0.4);
}
