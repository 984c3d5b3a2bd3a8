"""Host-side orchestration: the conductor that measures every interpreter in one run, the A/A self-check, and
the headless browser that checks and photographs the report.  Host code (nox's own Python, >= 3.10): it starts
guest interpreters as processes and never runs inside one."""
