//! The matching index of this replica: a `kechuang_matching::Engine` over
//! the published offers and needs, built from the database on first use and
//! kept fresh from the change feed (`store::matching::changes`): before
//! every query the replica reads the changes after the last one it applied
//! and reloads just those records (one removed from the published set is
//! removed from the index) or, for a vocabulary change, the administrators'
//! vocabulary. So every replica answers from what is committed, whichever
//! replica wrote it. `kechuang reindex` (and the reindex endpoint) append a
//! rebuild change: every replica that reads it rebuilds from scratch.
//!
//! The engine numbers documents with integers; the records have string
//! ids, and chain nodes too. [`Ids`] maps both ways.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use kechuang_domain::matching::ChangeKind;
use kechuang_matching::{Engine, Mode, Modes, Need, Offer, Vocabulary};
use kechuang_store::entities::{need, offer};
use kechuang_store::matching::{changes, needs, offers, terms};
use kechuang_store::{Db, StoreResult};

/// Changes read per round trip while catching up.
const CHANGES_PER_READ: u64 = 5_000;

/// String ids ↔ the engine's integers (dense, never reused).
#[derive(Default)]
pub struct Ids {
    to_int: HashMap<String, i64>,
    to_str: Vec<String>,
}

impl Ids {
    /// The integer of `id`, assigned on first sight.
    pub fn int(&mut self, id: &str) -> i64 {
        if let Some(n) = self.to_int.get(id) {
            return *n;
        }
        let n = self.to_str.len() as i64;
        self.to_str.push(id.to_string());
        self.to_int.insert(id.to_string(), n);
        n
    }
    /// The integer of `id` when it has one.
    pub fn known(&self, id: &str) -> Option<i64> {
        self.to_int.get(id).copied()
    }
    /// The string id of an integer.
    pub fn id(&self, n: i64) -> Option<&str> {
        self.to_str
            .get(usize::try_from(n).ok()?)
            .map(String::as_str)
    }
}

/// The engine with its id maps and the last change it has applied.
pub struct State {
    pub engine: Engine,
    pub offers: Ids,
    pub needs: Ids,
    pub nodes: Ids,
    /// The change-feed position this state reflects.
    pub seq: i64,
}

impl State {
    fn modes(codes: &str) -> Modes {
        codes
            .split(',')
            .filter_map(|c| Mode::parse(c.trim()))
            .collect()
    }

    fn opt(s: &str) -> Option<String> {
        Some(s.trim().to_string()).filter(|s| !s.is_empty())
    }

    fn keywords(s: &str) -> Vec<String> {
        kechuang_domain::matching::split_keywords(s)
    }

    fn trl(t: Option<i32>) -> Option<u8> {
        t.and_then(|t| u8::try_from(t).ok())
    }

    /// The engine's document of an offer record, numbered for the index.
    fn offer_doc(&mut self, o: &offer::Model) -> Offer {
        let id = self.offers.int(&o.id);
        let node = o.chain_node_id.as_deref().map(|n| self.nodes.int(n));
        Self::offer_with(o, id, node)
    }

    /// An offer as a query (it need not be in the index: an unknown id or
    /// chain node is -1, which nothing shares).
    pub fn offer_query(&self, o: &offer::Model) -> Offer {
        let id = self.offers.known(&o.id).unwrap_or(-1);
        let node = o
            .chain_node_id
            .as_deref()
            .map(|n| self.nodes.known(n).unwrap_or(-1));
        Self::offer_with(o, id, node)
    }

    fn offer_with(o: &offer::Model, id: i64, node: Option<i64>) -> Offer {
        Offer {
            id,
            title: o.title.clone(),
            description: o.description.clone(),
            keywords: Self::keywords(&o.keywords),
            chain_node_id: node,
            field: Self::opt(&o.field),
            trl: Self::trl(o.trl),
            modes: Self::modes(&o.modes),
            region: Self::opt(&o.region),
            price_fen: match (o.price_min_fen, o.price_max_fen) {
                (Some(a), Some(b)) => Some((a, b)),
                (Some(a), None) => Some((a, a)),
                (None, Some(b)) => Some((0, b)),
                (None, None) => None,
            },
        }
    }

    /// The engine's document of a need record, numbered for the index.
    fn need_doc(&mut self, n: &need::Model) -> Need {
        let id = self.needs.int(&n.id);
        let node = n.chain_node_id.as_deref().map(|x| self.nodes.int(x));
        Self::need_with(n, id, node)
    }

    /// A need as a query (see [`State::offer_query`]).
    pub fn need_query(&self, n: &need::Model) -> Need {
        let id = self.needs.known(&n.id).unwrap_or(-1);
        let node = n
            .chain_node_id
            .as_deref()
            .map(|x| self.nodes.known(x).unwrap_or(-1));
        Self::need_with(n, id, node)
    }

    /// The engine's number of a chain node (-1: none in the index has it).
    pub fn node(&self, id: &str) -> i64 {
        self.nodes.known(id).unwrap_or(-1)
    }

    fn need_with(n: &need::Model, id: i64, node: Option<i64>) -> Need {
        Need {
            id,
            title: n.title.clone(),
            description: n.description.clone(),
            keywords: Self::keywords(&n.keywords),
            chain_node_id: node,
            field: Self::opt(&n.field),
            trl_range: match (Self::trl(n.trl_min), Self::trl(n.trl_max)) {
                (Some(a), Some(b)) => Some((a, b)),
                (Some(a), None) => Some((a, 9)),
                (None, Some(b)) => Some((1, b)),
                (None, None) => None,
            },
            modes: Self::modes(&n.modes),
            region: Self::opt(&n.region),
            budget_fen: n.budget_fen,
        }
    }
}

fn internal(what: &str) -> kechuang_store::StoreError {
    kechuang_store::StoreError::Db(sea_orm::DbErr::Custom(what.to_string()))
}

fn vocabulary(v: terms::Vocab) -> Vocabulary {
    Vocabulary {
        words: v.words,
        synonym_groups: v.synonym_groups,
    }
}

/// The index of this replica (shared by every request).
#[derive(Clone, Default)]
pub struct MatchIndex {
    state: Arc<RwLock<Option<State>>>,
    /// One catch-up at a time; queries wait for it, then read.
    refresh: Arc<tokio::sync::Mutex<()>>,
}

/// What a catch-up found to apply.
struct Batch {
    upto: i64,
    offers: Vec<(String, Option<offer::Model>)>,
    needs: Vec<(String, Option<need::Model>)>,
    vocabulary: Option<Vocabulary>,
}

impl MatchIndex {
    /// Build from scratch: the feed position first, then the records, so
    /// a change committed in between is applied again (harmlessly) later.
    pub async fn rebuild(&self, db: &Db) -> StoreResult<usize> {
        let _one = self.refresh.lock().await;
        let seq = changes::latest(db).await?;
        let vocab = vocabulary(terms::vocabulary(db).await?);
        let all_offers = offers::published(db).await?;
        let all_needs = needs::published(db).await?;
        let mut engine = Engine::with_vocabulary(&vocab).unwrap_or_else(|e| {
            tracing::warn!("matching vocabulary refused ({e}); the shipped one is used");
            Engine::new()
        });
        let mut st = State {
            engine: Engine::new(),
            offers: Ids::default(),
            needs: Ids::default(),
            nodes: Ids::default(),
            seq,
        };
        let docs: Vec<Offer> = all_offers.iter().map(|o| st.offer_doc(o)).collect();
        let nds: Vec<Need> = all_needs.iter().map(|n| st.need_doc(n)).collect();
        let n = docs.len() + nds.len();
        let engine = tokio::task::spawn_blocking(move || {
            engine.build_offers(docs);
            engine.build_needs(nds);
            engine
        })
        .await
        .map_err(|e| internal(&format!("matching index: {e}")))?;
        st.engine = engine;
        *self.state.write().unwrap_or_else(|e| e.into_inner()) = Some(st);
        Ok(n)
    }

    /// Apply the changes committed since the last catch-up (building the
    /// index first if this replica has none yet).
    pub async fn catch_up(&self, db: &Db) -> StoreResult<()> {
        let built = self
            .state
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|s| s.seq);
        let Some(mut from) = built else {
            self.rebuild(db).await?;
            return Ok(());
        };
        // Cheap when nothing changed: one indexed read of an empty range.
        let _one = self.refresh.lock().await;
        if let Some(s) = self
            .state
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            from = from.max(s.seq);
        }
        loop {
            let rows = changes::since(db, from, CHANGES_PER_READ).await?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            if rows
                .iter()
                .any(|r| ChangeKind::parse(&r.kind) == Some(ChangeKind::Rebuild))
            {
                drop(_one);
                self.rebuild(db).await?;
                return Ok(());
            }
            let batch = self.load(db, &rows, last.seq).await?;
            from = batch.upto;
            let full = rows.len() as u64 == CHANGES_PER_READ;
            self.apply(batch);
            if !full {
                return Ok(());
            }
        }
    }

    async fn load(
        &self,
        db: &Db,
        rows: &[kechuang_store::entities::matching_change::Model],
        upto: i64,
    ) -> StoreResult<Batch> {
        let mut offer_ids: Vec<String> = vec![];
        let mut need_ids: Vec<String> = vec![];
        let mut terms_changed = false;
        for r in rows {
            match ChangeKind::parse(&r.kind) {
                Some(ChangeKind::Offer) => offer_ids.push(r.record_id.clone()),
                Some(ChangeKind::Need) => need_ids.push(r.record_id.clone()),
                Some(ChangeKind::Term) => terms_changed = true,
                Some(ChangeKind::Rebuild) | None => {}
            }
        }
        offer_ids.sort();
        offer_ids.dedup();
        need_ids.sort();
        need_ids.dedup();
        let mut found_offers: HashMap<String, offer::Model> =
            offers::published_among(db, &offer_ids)
                .await?
                .into_iter()
                .map(|o| (o.id.clone(), o))
                .collect();
        let mut found_needs: HashMap<String, need::Model> = needs::published_among(db, &need_ids)
            .await?
            .into_iter()
            .map(|n| (n.id.clone(), n))
            .collect();
        Ok(Batch {
            upto,
            offers: offer_ids
                .into_iter()
                .map(|id| {
                    let m = found_offers.remove(&id);
                    (id, m)
                })
                .collect(),
            needs: need_ids
                .into_iter()
                .map(|id| {
                    let m = found_needs.remove(&id);
                    (id, m)
                })
                .collect(),
            vocabulary: if terms_changed {
                Some(vocabulary(terms::vocabulary(db).await?))
            } else {
                None
            },
        })
    }

    fn apply(&self, b: Batch) {
        let mut guard = self.state.write().unwrap_or_else(|e| e.into_inner());
        let Some(st) = guard.as_mut() else {
            return;
        };
        if b.upto <= st.seq {
            return;
        }
        for (id, m) in b.offers {
            match m {
                Some(o) => {
                    let d = st.offer_doc(&o);
                    st.engine.upsert_offer(d);
                }
                None => {
                    if let Some(n) = st.offers.known(&id) {
                        st.engine.remove_offer(n);
                    }
                }
            }
        }
        for (id, m) in b.needs {
            match m {
                Some(x) => {
                    let d = st.need_doc(&x);
                    st.engine.upsert_need(d);
                }
                None => {
                    if let Some(n) = st.needs.known(&id) {
                        st.engine.remove_need(n);
                    }
                }
            }
        }
        if let Some(v) = b.vocabulary {
            if let Err(e) = st.engine.set_vocabulary(&v) {
                tracing::warn!("matching vocabulary refused ({e}); the previous one stays");
            }
        }
        st.seq = b.upto;
    }

    /// Read the fresh index: catch up, then run `f` on it (queries run
    /// side by side; a catch-up waits for them).
    pub async fn read<T>(&self, db: &Db, f: impl FnOnce(&State) -> T) -> StoreResult<T> {
        self.catch_up(db).await?;
        let guard = self.state.read().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(st) => Ok(f(st)),
            None => Err(internal("matching index not built")),
        }
    }

    /// Documents held (offers, needs), for the operations page and tests.
    pub fn size(&self) -> (usize, usize) {
        self.state
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|s| (s.engine.offer_count(), s.engine.need_count()))
            .unwrap_or((0, 0))
    }
}
