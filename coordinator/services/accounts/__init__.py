"""Who may do what: accounts, their scope, and every way of proving who one is.

- `users`: users, passwords (argon2id), roles with their scope, object checks, the audit log
- `names`: user names (NFKC, one script, compared case-folded) and the password rules
- `common_passwords`: the short list of passwords everyone tries first
- `contacts`: how an admin is reached one to one (phone, WeCom/DingTalk ids, quiet hours)
- `changes`: changing an account after the fact (password, disable, enable, sign out)
- `sessions`: signed-in sessions kept in the store, so signing out ends every cookie copy
- `sign_in_limits`: failed sign-ins per account and per address, shared by every worker
- `sign_in_links`: personal sign-in links for assistants' phones
- `api_tokens`: personal API tokens for assistants' phones and scripts
- `secret`: the server's secret key
"""
