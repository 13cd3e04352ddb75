"""Lists every user of an org with the official Okta Python SDK (`okta` on PyPI, 3.x), unchanged.

Prints `<id> <login>` per user on stdout and `total: N` on stderr; the peer of examples/list_users.rs.
Config from OKTA_CLIENT_ORGURL / OKTA_CLIENT_TOKEN; an http:// URL needs the SDK's documented testing switch
OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true (in 3.x a `testing` key in the constructor dict is not read: the dict
only feeds `client`).

Pagination: in 3.x `list_users` returns a plain `ApiResponse` without the `has_next()`/`next()` of 2.x (okta-sdk-python
issue #478), so pages are followed as the SDK's own `okta.pagination` helpers do: `after=` the cursor that
`PaginationHelper.extract_next_cursor` takes from the Link header. (`paginate_all` does the same but stops silently
on an error.)

Run (SDK installed in /tmp/peers/py by run.sh):
  OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true /tmp/peers/py/bin/python benches/peers/list_users.py
Measured by benches/peers/run.sh.
"""
import asyncio
import os
import sys

from okta.client import Client as OktaClient
from okta.pagination import PaginationHelper


async def main():
    client = OktaClient({"orgUrl": os.environ["OKTA_CLIENT_ORGURL"], "token": os.environ["OKTA_CLIENT_TOKEN"]})
    out = sys.stdout
    total, after = 0, None
    while True:
        users, resp, err = await client.list_users(limit=200, after=after)
        if err:
            raise RuntimeError(f"list_users: {str(err).strip()}")
        for user in users or []:
            out.write(f"{user.id} {user.profile.login}\n")
            total += 1
        after = PaginationHelper.extract_next_cursor(resp.headers)
        if not after:
            break
    out.flush()
    print(f"total: {total}", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
