"""Services: one function per action; each asks the rules, writes in one transaction, audits."""
