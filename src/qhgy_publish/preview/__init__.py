"""`qhgy preview`: the issue as page spreads in a browser, rebuilt when a source changes."""
