"""The cluster engine: Xapian shards on servers of their own, with replicas.

Xapian's remote backend does the scatter and gather, the global statistics (every shard's
term counts summed into one idf) and the merging of rankings; ``xapian-replicate`` copies each
shard's commits to its replicas. Ours: which server of a shard to ask, and failing over
(:mod:`.backend`); writing the shards' masters, one transaction each (:mod:`.writer`); how an
article is laid out in terms and values (:mod:`.layout`); the cluster file (:mod:`.spec`); and
a local cluster on 127.0.0.1 for trying and testing (:mod:`.local`).
"""
