package org.xlogminer.types;

import java.util.ArrayList;
import java.util.List;

/**
 * The types and tricky values ValueFormatIT stores and reads back, as SQL expressions. Each case
 * becomes a table {@code t_<name> (id int, f bool, v <type>, s smallint, w <type>)} so that values meet
 * different alignments and null bitmaps.
 */
final class TypeCases {

    /** A type, the first major that has it, and values to store (SQL expressions). */
    record Case(String name, String type, int minMajor, List<String> values) {
    }

    /** DDL run once per server before the tables are created. */
    static List<String> setup(int major) {
        List<String> s = new ArrayList<>(List.of(
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'it''s \"odd\"', 'with space', '')",
                "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok'",
                "CREATE SCHEMA \"Odd Schema\"",
                "CREATE TYPE \"Odd Schema\".\"My Mood\" AS ENUM ('a', 'B c')",
                "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)",
                "CREATE DOMAIN shorttext AS varchar(10)",
                "CREATE DOMAIN money_amount AS numeric(12,2)",
                "CREATE DOMAIN intarr AS integer[]",
                "CREATE DOMAIN padded AS char(4)",
                "CREATE TYPE comp AS (a int, b text, c numeric, d timestamptz, e int[])",
                "CREATE TYPE outr AS (x comp, y text, z mood)",
                "CREATE TYPE compd AS (a int, b text, c float8, d bool)",
                "CREATE TYPE textrange AS RANGE (subtype = text, collation = \"C\")",
                "CREATE TYPE floatrange AS RANGE (subtype = float8)",
                "CREATE TYPE \"Mixed Type\" AS (\"Field One\" int, \"select\" text)",
                "CREATE TABLE \"Odd Schema\".odd_rel (a int)",
                "CREATE TABLE \"Mixed Rel\" (a int)",
                "CREATE ROLE plain_role",
                "CREATE ROLE \"Odd \"\"Role\"\"\""));
        return s;
    }

    static List<Case> cases(int major) {
        List<Case> all = new ArrayList<>();
        all.add(new Case("int2", "smallint", 13, List.of("0", "1", "-1", "32767", "-32768", "NULL")));
        all.add(new Case("int4", "integer", 13, List.of("0", "2147483647", "-2147483648", "42", "-7")));
        all.add(new Case("int8", "bigint", 13, List.of("9223372036854775807", "-9223372036854775808", "0",
                "1234567890123", "-1")));
        List<String> numerics = new ArrayList<>(List.of("'0'", "'-0'", "'1'", "'-1'", "'0.1'", "'123.4500'",
                "'-0.000001'", "'1e-20'", "'1e20'", "'12345678901234567890.12345678901234567890'", "'NaN'",
                "repeat('9', 300)::numeric", "('0.' || repeat('0', 100) || '1')::numeric", "'1e-1000'::numeric",
                "'-99999.9999'", "'10000'", "'100000000'", "'0.00010000'", "'9999999999999999.99'", "'1e100'",
                "'-1e-100'", "'123456789e200'", "'1e300'", "'1e-300'", "('0.' || repeat('0', 70) || '1')::numeric",
                "'0.0000'", "'-12.340'", "round(pi()::numeric, 60)", "'5e-324'::float8::numeric"));
        if (major >= 14) {
            numerics.add("'Infinity'");
            numerics.add("'-Infinity'");
        }
        all.add(new Case("numeric", "numeric", 13, numerics));
        all.add(new Case("numeric_typmod", "numeric(10,3)", 13, List.of("'1'", "'-1.5'", "'1234567.891'", "'0'",
                "'0.001'")));
        all.add(new Case("float4", "real", 13, List.of("'0'", "'-0'", "'0.1'", "'1.5'", "'3.4028235e38'",
                "'-3.4028235e38'", "'1e-45'", "'1.17549435e-38'", "'NaN'", "'Infinity'", "'-Infinity'",
                "'123456.7'", "'1234567'", "'0.0001'", "'0.00001'", "'16777216'", "'7e-39'", "'3.14159'",
                "'100000'", "'999999'", "'1e6'")));
        all.add(new Case("float8", "double precision", 13, List.of("'0'", "'-0'", "'0.1'", "'1e20'", "'1e-310'",
                "'5e-324'", "'1.7976931348623157e308'", "'NaN'", "'Infinity'", "'-Infinity'",
                "'0.30000000000000004'", "'123456789012345.6'", "'1e15'", "'999999999999999'", "'1e-5'",
                "'0.0001'", "'2.5'", "'-1.5e-7'", "'1e22'", "'1e23'", "'9007199254740993'", "pi()",
                "'2.2250738585072014e-308'", "'-123.456'")));
        all.add(new Case("bool", "boolean", 13, List.of("true", "false", "NULL")));
        all.add(new Case("text", "text", 13, List.of("''", "'a'", "'it''s'", "'back\\slash'", "E'tab\\there'",
                "E'new\\nline'", "'unicode ü é 中文'", "'😀👍🏽 emoji'", "'NULL'", "' spaces '", "repeat('x', 200)",
                "repeat('é', 100)", "E'\\x01ctrl'", "'\"double\"'", "'{braces}'", "'(paren)'", "','",
                "E'\\\\'", "E'vt\\x0bff\\x0c'", "'''quoted'''", "repeat('ab''', 30)")));
        all.add(new Case("varchar", "varchar(20)", 13, List.of("''", "'short'", "'quote''s'", "'ümlaut'")));
        all.add(new Case("bpchar", "char(5)", 13, List.of("'ab'", "''", "'abcde'", "'é'", "' x'")));
        all.add(new Case("name", "name", 13, List.of("'some_name'", "'Mixed Case'", "''", "repeat('n', 63)")));
        all.add(new Case("char", "\"char\"", 13, List.of("'a'", "''", "'Z'", "(-56)::\"char\"", "'\"'")));
        all.add(new Case("bytea", "bytea", 13, List.of("'\\x'", "'\\x00'", "'\\xdeadbeef'",
                "decode(repeat('ab', 200), 'hex')", "'\\x27'")));
        all.add(new Case("date", "date", 13, List.of("'2024-01-01'", "'infinity'", "'-infinity'", "'0001-01-01'",
                "'0001-12-31 BC'", "'4713-01-01 BC'", "'5874897-12-31'", "'1999-12-31'", "'2000-01-01'",
                "'1970-01-01'", "'2000-02-29'", "'0099-06-15'")));
        all.add(new Case("time", "time", 13, List.of("'00:00'", "'23:59:59.999999'", "'24:00:00'", "'12:34:56.5'",
                "'01:02:03.000001'", "'10:00:00.12'")));
        all.add(new Case("timetz", "timetz", 13, List.of("'00:00+00'", "'12:00:00-08'", "'23:59:59.999999+14'",
                "'12:00+05:30'", "'01:02:03-00:30'", "'24:00:00-15:59'", "'12:00:00+05:30:15'")));
        all.add(new Case("timestamp", "timestamp", 13, List.of("'2024-01-01 10:00:00'", "'infinity'",
                "'-infinity'", "'4713-01-01 00:00:00 BC'", "'294276-12-31 23:59:59.999999'", "'0001-01-01 00:00:00'",
                "'0001-12-31 23:59:59 BC'", "'1999-12-31 23:59:59.5'", "'2000-01-01 00:00:00.000001'",
                "'1900-03-01 12:00'", "'1969-12-31 23:59:59.999'")));
        all.add(new Case("timestamptz", "timestamptz", 13, List.of("'2024-01-01 10:00:00+00'",
                "'2024-06-01 10:00:00+05:30'", "'infinity'", "'-infinity'", "'4713-01-01 00:00:00+00 BC'",
                "'1960-01-01 00:00:00.123456+00'", "'0044-03-15 12:00:00+00 BC'", "'294276-12-31 23:59:59.999999+00'")));
        List<String> intervals = new ArrayList<>(List.of("'0'", "'1 year'", "'-1 year'",
                "'1 year 2 mons 3 days 04:05:06.789'", "'-1 mons'", "'1 day -1 hour'", "'-1 day +1 hour'",
                "'100000 hours'", "'1.5 seconds'", "'-00:00:00.000001'", "'178000000 years'", "'-178000000 years'",
                "'3 days -00:00:01'", "'2 mons -3 days'", "'1 mon -1 day 1 sec'", "'-1 year -2 mons +3 days'",
                "'1 year -1 day'", "'-2 days -03:00:00'", "'2147483647 hours'", "'-2147483648 hours -59 min'"));
        if (major >= 15) {
            intervals.add("'2562047788 hours'");
            intervals.add("'-2562047788 hours -0.000001 sec'");
        }
        if (major >= 17) {
            intervals.add("'infinity'");
            intervals.add("'-infinity'");
        }
        all.add(new Case("interval", "interval", 13, intervals));
        all.add(new Case("uuid", "uuid", 13, List.of("'00000000-0000-0000-0000-000000000000'",
                "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'")));
        all.add(new Case("json", "json", 13, List.of("'{}'", "'[]'", "'{\"a\": 1, \"b\": [1,2,{\"c\":null}]}'",
                "'\"str\"'", "'  {\"spaces\" :  true }  '", "'{\"esc\": \"quote\\\" backslash\\\\ \\u00e9 \\n\"}'",
                "'123.4500'", "'null'", "'{\"a\":1,\"a\":2}'")));
        all.add(new Case("jsonb", "jsonb", 13, List.of("'{}'", "'[]'", "'null'", "'true'", "'false'",
                "'\"string\"'", "'12.50'", "'-0.0001'", "'1e100'", "'1e-20'",
                "'{\"b\": 1, \"a\": [1, \"two\", null, true, false, 3.14]}'",
                "'{\"nested\": {\"deeper\": {\"deepest\": []}}}'", "'[[1,2],[3,[4,[]]]]'",
                "'\"esc \\\" \\\\ \\n \\t \\u0001 é 😀 \\u001f\"'", "'{\"\": \"\", \"aa\": 1, \"b\": 2}'",
                "(SELECT jsonb_agg(g) FROM generate_series(1, 70) g)",
                "(SELECT jsonb_object_agg('k' || g, CASE WHEN g % 3 = 0 THEN to_jsonb(g) WHEN g % 3 = 1 "
                        + "THEN to_jsonb('s' || g) ELSE jsonb_build_array(g, null) END) FROM generate_series(1, 45) g)",
                "'[1, {\"a\": [2.5, {\"b\": \"c\"}]}, \"x\"]'", "'-1'", "'0'", "'{\"k\": \"it''s\"}'")));
        all.add(new Case("int4_array", "integer[]", 13, List.of("'{}'", "'{1,2,3}'", "'{{1,2},{3,4}}'",
                "'{NULL,1}'", "'[0:2]={1,2,3}'", "'[-5:-4][2:3]={{1,2},{3,4}}'", "'{{{1}},{{2}}}'",
                "(SELECT array_agg(CASE WHEN g % 4 = 0 THEN NULL ELSE g END) FROM generate_series(1, 30) g)",
                "'{NULL}'", "'{{NULL,NULL},{NULL,5}}'")));
        all.add(new Case("text_array", "text[]", 13, List.of(
                "'{\"\",NULL,\"NULL\",\"null\",\"a b\",\"q\\\"uote\",\"back\\\\slash\",\"{}\",\",\"}'",
                "ARRAY['é', '😀']", "ARRAY[E'tab\\t', E'nl\\n', E'vt\\x0b']", "ARRAY['Null', 'nul', 'NULLS']",
                "'{}'", "ARRAY['it''s']", "ARRAY[repeat('z', 150), 'short']")));
        all.add(new Case("numeric_array", "numeric[]", 13, List.of("'{1.5,NaN,-0.001}'", "'{0,1e20,1e-20}'")));
        all.add(new Case("float8_array", "float8[]", 13, List.of("'{0.1,-0,Infinity,NaN,1e-310}'", "'{-Infinity}'")));
        all.add(new Case("float4_array", "real[]", 13, List.of("'{0.1,-0,Infinity,3.4028235e38}'")));
        all.add(new Case("bool_array", "boolean[]", 13, List.of("'{t,f,NULL}'", "'{}'")));
        all.add(new Case("int2_array", "smallint[]", 13, List.of("'{1,-2,NULL,32767}'")));
        all.add(new Case("int8_array", "bigint[]", 13, List.of("'{1,-9223372036854775808,NULL}'")));
        all.add(new Case("date_array", "date[]", 13, List.of("'{2024-01-01,infinity,NULL}'")));
        all.add(new Case("ts_array", "timestamptz[]", 13, List.of("'{\"2024-01-01 00:00:00+00\",-infinity}'")));
        all.add(new Case("interval_array", "interval[]", 13, List.of("'{\"1 day\",\"-00:00:01\",0}'")));
        all.add(new Case("jsonb_array", "jsonb[]", 13, List.of("ARRAY['{\"a\": 1}'::jsonb, '[]', 'null', '\"s\"']")));
        all.add(new Case("uuid_array", "uuid[]", 13, List.of("ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, NULL]")));
        all.add(new Case("bytea_array", "bytea[]", 13, List.of("'{\"\\\\x00ff\",NULL,\"\\\\x\"}'")));
        all.add(new Case("varchar_array", "varchar(5)[]", 13, List.of("'{ab,\"c d\"}'")));
        all.add(new Case("bpchar_array", "char(3)[]", 13, List.of("'{a,bc,\"\"}'")));
        all.add(new Case("inet_array", "inet[]", 13, List.of("'{10.0.0.1,::1/64}'")));
        all.add(new Case("mood_array", "mood[]", 13, List.of("'{sad,happy,NULL,\"with space\",\"\"}'",
                "ARRAY['it''s \"odd\"'::mood]")));
        all.add(new Case("comp_array", "comp[]", 13, List.of("ARRAY[ROW(1,'x',1.5,NULL,'{1}')::comp, NULL, "
                + "ROW(NULL,NULL,NULL,NULL,NULL)::comp]")));
        all.add(new Case("range_array", "int4range[]", 13, List.of("'{\"[1,5)\",empty}'")));
        all.add(new Case("domain_array", "posint[]", 13, List.of("'{1,2}'")));
        all.add(new Case("bit_array", "bit(3)[]", 13, List.of("'{101,010}'")));
        all.add(new Case("time_array", "time[]", 13, List.of("'{00:00:00,23:59:59.5}'")));
        all.add(new Case("mood", "mood", 13, List.of("'sad'", "'ok'", "'happy'", "'it''s \"odd\"'",
                "'with space'", "''", "'meh'")));
        all.add(new Case("odd_enum", "\"Odd Schema\".\"My Mood\"", 13, List.of("'a'", "'B c'")));
        all.add(new Case("posint", "posint", 13, List.of("1", "2147483647")));
        all.add(new Case("shorttext", "shorttext", 13, List.of("'ab''c'", "''")));
        all.add(new Case("money_amount", "money_amount", 13, List.of("'12.5'", "'-0.01'")));
        all.add(new Case("intarr", "intarr", 13, List.of("'{1,NULL}'", "'[2:3]={7,8}'")));
        all.add(new Case("padded", "padded", 13, List.of("'a'", "'abcd'")));
        all.add(new Case("comp", "comp", 13, List.of("ROW(1,'x',1.5,'2024-01-01+00','{1}')",
                "ROW(NULL,NULL,NULL,NULL,NULL)",
                "ROW(2,'has \"quotes\" and \\ back, comma (paren)',NULL,NULL,'{}')",
                "ROW(3,'',0,'infinity','{NULL}')", "ROW(4,' lead',-1e-5,NULL,'{1,2}')",
                "ROW(5,repeat('long', 40),123.456,'1999-01-01 00:00:00.5+00','{{1,2},{3,4}}')")));
        all.add(new Case("outr", "outr", 13, List.of("ROW(ROW(1,'a b',2,NULL,'{3}')::comp,'y','happy')",
                "ROW(NULL,NULL,NULL)", "ROW(ROW(NULL,NULL,NULL,NULL,NULL)::comp,'','it''s \"odd\"')")));
        all.add(new Case("compd", "compd", 13, List.of("ROW(1,'b',1.5,true)", "ROW(2,NULL,'NaN',false)")));
        all.add(new Case("mixed_type", "\"Mixed Type\"", 13, List.of("ROW(1,'select')")));
        all.add(new Case("int4range", "int4range", 13, List.of("'empty'", "'[1,5)'", "'(,5]'", "'[1,)'",
                "'(,)'", "'[-10,-1]'")));
        all.add(new Case("int8range", "int8range", 13, List.of("'[1,9223372036854775806]'", "'(,0)'")));
        all.add(new Case("numrange", "numrange", 13, List.of("'[1.5,2.5]'", "'(,)'", "'(0.001,1e20)'", "'empty'")));
        all.add(new Case("daterange", "daterange", 13, List.of("'[2024-01-01,infinity)'", "'[2000-01-01,2000-01-02)'")));
        all.add(new Case("tsrange", "tsrange", 13, List.of("'[2024-01-01 00:00,2024-02-01 12:30:00.5)'", "'(,)'")));
        all.add(new Case("tstzrange", "tstzrange", 13, List.of("'[2024-01-01 00:00+00,infinity]'")));
        all.add(new Case("textrange", "textrange", 13, List.of("'[\"a b\",\"c,d\")'", "'[a,z]'",
                "'(\"\",\"quo\"\"te\")'", "'[,x]'", "textrange(repeat('a', 130), repeat('b', 140))",
                "textrange('a', 'b\\\\c')")));
        all.add(new Case("floatrange", "floatrange", 13, List.of("'[0.1,1e20]'", "'(-Infinity,-0]'")));
        all.add(new Case("inet", "inet", 13, List.of("'192.168.0.1'", "'10.0.0.0/8'", "'::1'", "'::'",
                "'2001:db8::1/64'", "'::ffff:1.2.3.4'", "'::1.2.3.4'", "'1::'", "'1:0:0:1:0:0:0:1'",
                "'fe80::1:2:3:4'", "'0.0.0.0/0'", "'2001:db8:0:0:1:0:0:1'", "'1:2:3:4:5:6:7:8'",
                "'10.1.2.3/16'", "'::ffff:0:0'", "'::2:3:4:5:6:7'", "'0:0:1::'", "'::1:0:0:0:1'",
                "'1:2:3:4:5:6:7::'", "'::ffff:1.2.3.4/120'")));
        all.add(new Case("cidr", "cidr", 13, List.of("'10.0.0.0/8'", "'192.168.1.0/24'", "'2001:db8::/32'",
                "'0.0.0.0/0'", "'::/0'", "'1.2.3.4/32'", "'::1/128'")));
        all.add(new Case("macaddr", "macaddr", 13, List.of("'08:00:2b:01:02:03'", "'00:00:00:00:00:00'",
                "'ff:ff:ff:ff:ff:ff'")));
        all.add(new Case("macaddr8", "macaddr8", 13, List.of("'08:00:2b:01:02:03:04:05'")));
        all.add(new Case("money", "money", 13, List.of("'0'", "'1234.56'", "'-1234.56'", "'0.05'", "'-0.05'",
                "'92233720368547758.07'", "'-92233720368547758.08'", "'1000000'", "'999.99'")));
        all.add(new Case("bit", "bit(5)", 13, List.of("B'10101'", "B'00000'", "B'11111'")));
        all.add(new Case("varbit", "bit varying", 13, List.of("B''", "B'1'", "B'101010101010101010'")));
        all.add(new Case("oid", "oid", 13, List.of("0", "4294967295", "12345")));
        all.add(new Case("xid", "xid", 13, List.of("'123'::xid", "'4294967295'::xid")));
        all.add(new Case("pg_lsn", "pg_lsn", 13, List.of("'0/0'", "'16/B374D848'", "'FFFFFFFF/FFFFFFFF'")));
        all.add(new Case("tid", "tid", 13, List.of("'(0,1)'", "'(4294967295,65535)'")));
        all.add(new Case("point", "point", 13, List.of("'(1,2)'", "'(0.1,-0)'", "'(1e20,NaN)'")));
        all.add(new Case("lseg", "lseg", 13, List.of("'[(1,2),(3,4.5)]'")));
        all.add(new Case("box", "box", 13, List.of("'(3,4),(1,2)'")));
        all.add(new Case("line", "line", 13, List.of("'{1,-1,0}'")));
        all.add(new Case("circle", "circle", 13, List.of("'<(0,0),1.5>'")));
        all.add(new Case("path", "path", 13, List.of("'[(0,0),(1,1)]'", "'((0,0),(1,1),(2,0))'")));
        all.add(new Case("polygon", "polygon", 13, List.of("'((0,0),(1,1),(2,0))'")));
        all.add(new Case("xml", "xml", 13, List.of("'<a>b</a>'", "'<x attr=\"1\"/>'", "'text &amp; more'")));
        all.add(new Case("int2vector", "int2vector", 13, List.of("'1 2 3'", "''")));
        all.add(new Case("oidvector", "oidvector", 13, List.of("'23 25'")));
        all.add(new Case("xid8", "xid8", 13, List.of("'18446744073709551615'::xid8", "'5'::xid8")));
        all.addAll(SystemTypeCases.cases(major));
        List<Case> out = new ArrayList<>();
        for (Case c : all) {
            if (c.minMajor() <= major) {
                out.add(c);
            }
        }
        return out;
    }

    private TypeCases() {
    }
}
