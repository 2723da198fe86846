"""Reading and checking editors' files: YAML with line marks, record models, channels, stories; nothing here knows of ledgers or pages."""
