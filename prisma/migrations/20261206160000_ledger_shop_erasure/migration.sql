-- The ledger stays append-only, with one exception: shop/redact (Shopify's compliance webhook, 48 hours after an
-- uninstall) erases everything of the shop. The erasing transaction names the shop with
-- set_config('treue.erasing_shop', <shop>, true) (transaction-local, so it works behind a transaction pooler);
-- only that shop's rows can then be deleted, and only in that transaction. Updates stay refused.
CREATE OR REPLACE FUNCTION "LedgerEntry_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD."shop" = current_setting('treue.erasing_shop', true) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'LedgerEntry is append-only: write a correcting entry instead of %', TG_OP;
END;
$$;
