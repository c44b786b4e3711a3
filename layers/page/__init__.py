"""The in-page app: UI strings (i18n.json), the park payload, escaping, cards and the page scripts (js/)."""
