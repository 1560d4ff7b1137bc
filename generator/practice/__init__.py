"""Practice problems: drawn from seeds, solved by numpy. No drawing, no markup."""
