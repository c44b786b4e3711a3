"""Files written by the tool, always atomically: tables (CSV with BOM, XLSX, rows in a file's own encoding)."""
