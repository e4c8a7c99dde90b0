"""PostgreSQL only: the flash-sale intake's three writes as one function, called in one statement.

``orders.services.flash._take_in_function`` calls it; on other databases the service runs the same
three statements in a transaction. A refusal raises a TF00x SQLSTATE, which undoes the statement's
writes: TF001 over the customer's limit, TF002 sold out, TF003 every unit left is held by orders in
flight, TF004 the Idempotency-Key is already stored, TF005 the sale's row says it is not open now. It
checks the window and returns the payment window from the live row, so the intake may work from a copy
of the sale read a few seconds earlier (orders.selectors.flash.flash_sale_for_intake).
"""

from django.db import migrations

TAKE = r"""
CREATE OR REPLACE FUNCTION tempo_flash_sale_take(
    p_sale bigint, p_ref varchar, p_limit integer, p_shards integer, p_preferred integer,
    p_key varchar, p_fingerprint varchar, p_code varchar, p_now timestamptz, p_user integer, p_tries integer
) RETURNS TABLE (order_id bigint, order_number varchar, order_shard integer, sale_payment_minutes integer)
LANGUAGE plpgsql AS $fn$
DECLARE
    v_shard integer;
    v_taken bigint;
BEGIN
    -- 0. the sale's window, read live: the caller's copy of the sale may be a few seconds old
    SELECT payment_minutes INTO sale_payment_minutes FROM orders_flashsale
    WHERE id = p_sale AND starts_at <= p_now AND ends_at > p_now;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'outside the sale''s window' USING ERRCODE = 'TF005';
    END IF;
    -- 1. the customer's row, raised only while under the limit (locks it before the counter row, the
    --    order a cancel locks them in)
    INSERT INTO orders_flashsalecustomer AS c (sale_id, customer_ref, taken, max_units)
    VALUES (p_sale, p_ref, 1, p_limit)
    ON CONFLICT (sale_id, customer_ref) DO UPDATE SET taken = c.taken + 1 WHERE c.taken < c.max_units;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'over the per-customer limit' USING ERRCODE = 'TF001';
    END IF;
    -- 2. one unit from the row this key hashes to; when it is empty, from any row with units left,
    --    skipping rows other orders hold (waiting for a second row could close a deadlock cycle)
    UPDATE orders_flashsalecounter SET remaining = remaining - 1, taken = taken + 1
    WHERE sale_id = p_sale AND shard = p_preferred AND remaining > 0
    RETURNING shard, taken INTO v_shard, v_taken;
    IF NOT FOUND AND p_shards > 1 THEN
        FOR attempt IN 1..p_tries LOOP
            UPDATE orders_flashsalecounter SET remaining = remaining - 1, taken = taken + 1
            WHERE id = (SELECT id FROM orders_flashsalecounter WHERE sale_id = p_sale AND remaining > 0
                        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) AND remaining > 0
            RETURNING shard, taken INTO v_shard, v_taken;
            EXIT WHEN FOUND;
            EXIT WHEN NOT EXISTS (SELECT 1 FROM orders_flashsalecounter WHERE sale_id = p_sale AND remaining > 0);
            IF attempt = p_tries THEN
                RAISE EXCEPTION 'every unit left is held by orders in flight' USING ERRCODE = 'TF003';
            END IF;
            -- the rows with units are held by orders in flight, each a statement away from committing
            PERFORM pg_sleep(0.001);
        END LOOP;
    END IF;
    IF v_shard IS NULL THEN
        RAISE EXCEPTION 'sold out' USING ERRCODE = 'TF002';
    END IF;
    -- 3. the order, numbered from its counter row; a key already stored undoes the two writes above
    order_shard := v_shard;
    order_number := p_code || '-' || lpad(v_shard::text, 2, '0')
        || lpad(v_taken::text, greatest(6, length(v_taken::text)), '0');
    INSERT INTO orders_flashsaleorder (sale_id, number, customer_ref, idempotency_key, request_fingerprint,
        shard, status, created_at, created_by_id)
    VALUES (p_sale, order_number, p_ref, p_key, p_fingerprint, v_shard, 'accepted', p_now, p_user)
    ON CONFLICT (sale_id, idempotency_key) DO NOTHING
    RETURNING id INTO order_id;
    IF order_id IS NULL THEN
        RAISE EXCEPTION 'Idempotency-Key already stored' USING ERRCODE = 'TF004';
    END IF;
    RETURN NEXT;
END
$fn$;
"""

DROP = (
    "DROP FUNCTION IF EXISTS tempo_flash_sale_take("
    "bigint, varchar, integer, integer, integer, varchar, varchar, varchar, timestamptz, integer, integer)"
)


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("orders", "0007_flash_sale_payment_window")]

    operations = [migrations.RunPython(_on_postgresql(TAKE), _on_postgresql(DROP), elidable=False)]
