//! Charts (Apache ECharts, vendored): the server computes a chart's figures
//! as a `Chart`; `partials/chart.html` writes them as JSON in a script
//! element beside the box the chart fills, and `static/charts.js` draws
//! every such box (no inline scripts under the CSP). Every chart names the
//! table on its page that holds the same figures.

use serde::Serialize;

/// Bar (vertical), horizontal bar (rankings), line (trends) or funnel.
#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Bar,
    Hbar,
    Line,
    Funnel,
    /// A tree (the chain map): `tree` holds it, left to right.
    Tree,
}

/// A place in a tree chart: a name, a kind (for its colour), a link.
#[derive(Clone, Serialize)]
pub struct TreeNode {
    pub name: String,
    pub kind: String,
    pub href: String,
    /// Drawn emphasised (a party organisation linked to the chain committee).
    pub marked: bool,
    pub children: Vec<TreeNode>,
}

#[derive(Clone, Serialize)]
pub struct Series {
    pub name: String,
    pub data: Vec<Option<f64>>,
    /// Drawn against the right-hand axis (a rate beside counts).
    pub right: bool,
}

#[derive(Clone, Serialize)]
pub struct Chart {
    /// The box's id on the page (letters, digits and dashes).
    pub id: String,
    pub title: String,
    pub kind: Kind,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// The unit of the values (件, %, 万元…), and of the right axis.
    pub unit: String,
    pub right_unit: String,
    /// Where the same figures stand as a table: the id of a table on the
    /// page, or a page's path (starting with `/`); "" for none.
    pub table: String,
    pub height: u32,
    pub tree: Option<TreeNode>,
}

impl Chart {
    pub fn new(id: &str, title: &str, kind: Kind, unit: &str, table: &str) -> Self {
        Chart {
            id: id.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-"),
            title: title.into(),
            kind,
            categories: vec![],
            series: vec![],
            unit: unit.into(),
            right_unit: String::new(),
            table: table.into(),
            height: 260,
            tree: None,
        }
    }

    pub fn categories<S: Into<String>>(mut self, c: impl IntoIterator<Item = S>) -> Self {
        self.categories = c.into_iter().map(Into::into).collect();
        self
    }

    pub fn series(mut self, name: &str, data: impl IntoIterator<Item = Option<f64>>) -> Self {
        self.series.push(Series {
            name: name.into(),
            data: data.into_iter().collect(),
            right: false,
        });
        self
    }

    /// A series against a right-hand axis in `unit`.
    pub fn right(
        mut self,
        name: &str,
        unit: &str,
        data: impl IntoIterator<Item = Option<f64>>,
    ) -> Self {
        self.right_unit = unit.into();
        self.series.push(Series {
            name: name.into(),
            data: data.into_iter().collect(),
            right: true,
        });
        self
    }

    pub fn height(mut self, px: u32) -> Self {
        self.height = px;
        self
    }

    /// A tree chart, as tall as its leaves need.
    pub fn tree(mut self, root: TreeNode) -> Self {
        fn leaves(n: &TreeNode) -> u32 {
            if n.children.is_empty() {
                1
            } else {
                n.children.iter().map(leaves).sum()
            }
        }
        self.height = (leaves(&root) * 22).clamp(240, 2400);
        self.categories = vec![root.name.clone()];
        self.tree = Some(root);
        self
    }

    /// The link to the chart's table.
    pub fn table_href(&self) -> String {
        if self.table.starts_with('/') {
            self.table.clone()
        } else {
            format!("#{}", self.table)
        }
    }

    /// Nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }

    /// The figures as JSON safe inside a script element.
    pub fn json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| "{}".into())
            .replace('<', "\\u003c")
    }
}

/// A per-mille figure as a percentage with one decimal.
pub fn percent(permille: Option<i64>) -> Option<f64> {
    permille.map(|p| p as f64 / 10.0)
}

/// An amount in fen as 亿元 with two decimals.
pub fn yi_yuan(fen: Option<i64>) -> Option<f64> {
    fen.map(|f| (f as f64 / 100_000_000.0).round() / 100.0)
}

/// An amount in fen as 万元 with two decimals.
pub fn wan_yuan(fen: Option<i64>) -> Option<f64> {
    fen.map(|f| (f as f64 / 1_000_000.0 * 100.0).round() / 100.0)
}
