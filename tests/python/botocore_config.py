"""Print the profiles and sso-sessions botocore reads from the AWS config file, as JSON.

Reads HOME and AWS_CONFIG_FILE from the environment like every AWS tool does: an independent
reader of the file ssoenv edits.
"""

import json

import botocore.session


def main() -> None:
    config = botocore.session.Session().full_config
    print(
        json.dumps(
            {
                "profiles": config.get("profiles", {}),
                "sso_sessions": config.get("sso_sessions", {}),
            },
            sort_keys=True,
        )
    )


if __name__ == "__main__":
    main()
