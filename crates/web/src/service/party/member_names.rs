//! Party members written by name in a ledger's list cell (责任区党员, 队员):
//! “姓名”, or “姓名（所在党组织）” where the name alone would not tell the
//! member apart, so an export imports back and an import never takes a
//! namesake for the member meant. Shared by the zone and team ledgers.

use std::collections::HashMap;

use kechuang_store::entities::party_member;

/// How a list cell separates its names.
pub const SEPARATORS: [char; 5] = ['、', '，', ',', '；', ';'];

/// A list cell's names, trimmed, empty ones dropped.
pub fn split(cell: &str) -> Vec<String> {
    cell.split(|c| SEPARATORS.contains(&c) || c == '\n')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The members a cell may name (a zone's organisation and those under it,
/// or the whole register), by name.
pub struct MemberNames {
    by_id: HashMap<String, party_member::Model>,
    /// Member ids by name.
    by_name: HashMap<String, Vec<String>>,
    /// Party organisation names by id.
    org_names: HashMap<String, String>,
}

impl MemberNames {
    pub fn new(members: Vec<party_member::Model>, org_names: &HashMap<String, String>) -> Self {
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for m in &members {
            by_name
                .entry(m.name.clone())
                .or_default()
                .push(m.id.clone());
        }
        MemberNames {
            by_id: members.into_iter().map(|m| (m.id.clone(), m)).collect(),
            by_name,
            org_names: org_names.clone(),
        }
    }

    fn org_of(&self, m: &party_member::Model) -> &str {
        self.org_names
            .get(&m.party_org_id)
            .map_or("", String::as_str)
    }

    /// “姓名”, or “姓名（所在党组织）” unless the member is the only one of
    /// that name here (a member not among them — since moved out of a
    /// zone's organisation — is qualified too).
    pub fn key_of(&self, m: &party_member::Model) -> String {
        match self.by_name.get(&m.name).map(Vec::as_slice) {
            Some([only]) if *only == m.id => m.name.clone(),
            _ => format!("{}（{}）", m.name, self.org_of(m)),
        }
    }

    /// `key_of` for a member among these, by id.
    pub fn key_of_id(&self, id: &str) -> Option<String> {
        self.by_id.get(id).map(|m| self.key_of(m))
    }

    /// The member written as `key_of` writes it, or why not; `place` names
    /// where the members are looked for (“金凤实验室党支部”或其下级组织).
    pub fn find(&self, written: &str, place: &str) -> Result<String, String> {
        // The exact name first (a name may itself hold brackets), else
        // “姓名（所在党组织）” split at its first bracket (an organisation's
        // name may hold brackets too).
        let qualified = written.strip_suffix('）').and_then(|w| w.split_once('（'));
        let (name, org) = match qualified {
            Some((n, o)) if !self.by_name.contains_key(written) => (n.trim(), Some(o.trim())),
            _ => (written, None),
        };
        let found: Vec<&party_member::Model> = self
            .by_name
            .get(name)
            .map(|v| {
                v.iter()
                    .filter_map(|id| self.by_id.get(id))
                    .filter(|m| org.is_none_or(|o| self.org_of(m) == o))
                    .collect()
            })
            .unwrap_or_default();
        match found.as_slice() {
            [m] => Ok(m.id.clone()),
            [] => Err(format!("“{written}”不是{place}的党员，请先登记到党员名册")),
            more => Err(format!(
                "{place}有 {} 名党员叫“{name}”，请写成“{name}（所在党组织）”",
                more.len()
            )),
        }
    }

    /// The ids a list cell names, each once; a name written twice or not
    /// found is reported through `bad`.
    pub fn find_all(&self, cell: &str, place: &str, mut bad: impl FnMut(String)) -> Vec<String> {
        let mut ids = vec![];
        for written in split(cell) {
            match self.find(&written, place) {
                Ok(id) if ids.contains(&id) => bad(format!("“{written}”写了两次")),
                Ok(id) => ids.push(id),
                Err(e) => bad(e),
            }
        }
        ids
    }
}
