-- Analysts read the serving schema through the read-only role retail_analyst, and nothing else.
-- Roles belong to the whole cluster: the role is created here only when it is missing and the
-- migrating role may create roles (the embedded server's superuser); on a shared server a DBA
-- creates it once (see the README) and this migration only grants.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'retail_analyst')
     AND (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    CREATE ROLE retail_analyst NOLOGIN;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'retail_analyst') THEN
    EXECUTE 'GRANT USAGE ON SCHEMA ${schema} TO retail_analyst';
    EXECUTE 'GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO retail_analyst';
    -- tables the pipeline's role creates here later (new gold tables, staging) are readable too
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA ${schema} GRANT SELECT ON TABLES TO retail_analyst';
  END IF;
END
$$;
