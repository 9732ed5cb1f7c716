-- PostgreSQL form of 0018_posts_ids_never_reused.sql: nothing to do. posts.id is an identity
-- column, whose sequence never issues an id twice, a deleted post's included.
SELECT 1;
