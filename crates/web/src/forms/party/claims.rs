//! Drafts: Major projects claimed by party talents (揭榜挂帅) and their original results (原创性成果).
