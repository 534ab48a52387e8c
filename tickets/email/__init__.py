"""The email channel: inbound mail becomes tickets and replies (``ingest``), outbound
notifications go by mail (``outbound``). Parsing and threading helpers live beside them."""
