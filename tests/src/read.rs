//! Reading the chain through the client library's one interface to it (the pallets'
//! view functions, at the latest finalized block), as any third-party reader would.

use sealchat::chain::{BlockRef, Chain, Record};

/// Connects to the node at `url`.
pub async fn connect(url: &str) -> Chain {
	Chain::connect(url).await.unwrap_or_else(|e| panic!("connect to {url}: {e}"))
}

/// Every connector record kept at the latest finalized block, with its id.
pub async fn all_records(chain: &Chain) -> Vec<(u64, Record)> {
	let at = chain.finalized().await.expect("the finalized block");
	records_at(chain, &at).await
}

/// Every connector record kept at `at`, with its id.
pub async fn records_at(chain: &Chain, at: &BlockRef) -> Vec<(u64, Record)> {
	let mut out = Vec::new();
	let mut from = 0u64;
	loop {
		let page = chain.records(from, chain.limits().record_page, at).await.expect("a page of records");
		let Some((last, _)) = page.records.last() else { return out };
		from = last + 1;
		out.extend(page.records);
	}
}

/// Every message ciphertext in `parts`, at the latest finalized block.
pub async fn all_messages(chain: &Chain, parts: &[[u8; 32]]) -> Vec<Vec<u8>> {
	let at = chain.finalized().await.expect("the finalized block");
	let mut out = Vec::new();
	for part in parts {
		let mut from = 0;
		loop {
			let page = chain.messages(part, from, chain.limits().message_page, &at).await.expect("messages");
			out.extend(page.messages.into_iter().map(|(_, m)| m.ciphertext.0));
			from += chain.limits().message_page;
			if from >= page.next_seq {
				break;
			}
		}
	}
	out
}
