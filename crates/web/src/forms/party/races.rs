//! Drafts: Vanguard teams (先锋队), horse races (赛马比拼) with weighted dimensions computed from records or scored with evidence, leaderboards, commendations (表彰).
