//! `sealchat-node`: a full node of the SealChat chain.

mod chain_spec;
mod cli;
mod command;
mod gossip;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
