"""Source simulators written from the public documentation alone (docs/reference notes), independently of the
project's own connectors and simulators, and the truth each made-up account is expected to land as."""
