package org.xlogminer.types;

import java.util.ArrayList;
import java.util.List;

/**
 * The cases of {@link TypeCases} for text search, multiranges, the OID alias (reg*) types, aclitem,
 * snapshots and refcursor: values the server prints in ways worth pinning (weights and positions,
 * operator precedence, offset strides, names known and unknown, grant options).
 */
final class SystemTypeCases {

    private SystemTypeCases() {
    }

    static List<TypeCases.Case> cases(int major) {
        List<TypeCases.Case> all = new ArrayList<>();
        all.add(new TypeCases.Case("tsvector", "tsvector", 13, List.of("''", "'a fat cat sat on a mat'",
                "'a:1 fat:2,3B cat:4A,5C,6D'", "$$'it''s' 'back\\\\slash' 'space here':3A$$",
                "to_tsvector('english', 'The quick brown foxes jumped over the lazy dogs quickly')",
                "setweight(to_tsvector('simple', 'é 😀 ü'), 'B')", "'z:16383'",
                "(SELECT string_agg('w' || g || ':' || g, ' ')::tsvector FROM generate_series(1, 60) g)")));
        all.add(new TypeCases.Case("tsquery", "tsquery", 13, List.of("''", "'fat & rat'", "'fat & (rat | cat)'",
                "'!fat'", "'!(a & b)'", "'a <-> b'", "'a <3> b'", "'(a <-> b) <-> c'", "'a <-> (b <-> c)'",
                "'super:*'", "'a:AB & b:*D'", "'!a | !!b'", "'(a | b) & !(c <-> d)'", "$$'it''s' & 'back\\\\'$$",
                "to_tsquery('english', 'The & Fat & Rats')", "phraseto_tsquery('english', 'the fat rats ran')",
                "'a <-> !b'", "'!(a <-> b)'", "'a | b & c'", "'(a | b) <-> c'", "'a <0> b'", "'a & b & c | d'",
                "'x:*ABCD'", "'(a <2> b) <-> (c & d)'", "'!(!a)'")));
        all.add(new TypeCases.Case("int4multirange", "int4multirange", 14, List.of("'{}'", "'{[1,3),[5,7)}'",
                "'{(,5),[10,)}'", "'{(,)}'", "'{[1,2),[3,4),[5,6),[7,8),[9,10),[11,12),[13,14),[15,16),[17,18)}'",
                "'{[-5,-1]}'")));
        all.add(new TypeCases.Case("int8multirange", "int8multirange", 14, List.of("'{[1,9223372036854775806]}'",
                "'{(,0),[2,3),[5,)}'")));
        all.add(new TypeCases.Case("nummultirange", "nummultirange", 14, List.of("'{[1.5,2.5],(3,)}'", "'{}'",
                "'{(,-1e20),[0.001,0.002),[1,2),(3,4),[5,6],[7.5,8.25)}'")));
        all.add(new TypeCases.Case("datemultirange", "datemultirange", 14, List.of("'{[2024-01-01,2024-02-01)}'",
                "'{(,2000-01-01),[2024-01-01,infinity)}'")));
        all.add(new TypeCases.Case("tsmultirange", "tsmultirange", 14, List.of(
                "'{[2024-01-01 00:00,2024-02-01 12:30:00.5),[2025-01-01,)}'")));
        all.add(new TypeCases.Case("tstzmultirange", "tstzmultirange", 14, List.of(
                "'{[2024-01-01 00:00+00,infinity]}'", "'{}'")));
        all.add(new TypeCases.Case("textmultirange", "textmultirange", 14, List.of("'{[\"a b\",\"c,d\"),[e,f]}'",
                "textmultirange(textrange('a', 'b'), textrange(repeat('c', 130), repeat('d', 140)), textrange('x', NULL))",
                "'{(,\"quo\"\"te\"]}'", "'{}'", "(SELECT range_agg(textrange(g::text || 'a', g::text || 'b')) "
                        + "FROM generate_series(1, 9) g)")));
        all.add(new TypeCases.Case("floatmultirange", "floatmultirange", 14, List.of("'{[0.1,1e20],(-Infinity,-1]}'")));
        all.add(new TypeCases.Case("int4multirange_array", "int4multirange[]", 14, List.of(
                "ARRAY['{[1,2)}'::int4multirange, '{}', NULL]")));
        all.add(new TypeCases.Case("jsonpath", "jsonpath", 13, jsonpaths(major)));
        all.add(new TypeCases.Case("refcursor", "refcursor", 13, List.of("'my_cursor'", "''", "'it''s'",
                "'<unnamed portal 1>'")));
        all.add(new TypeCases.Case("txid_snapshot", "txid_snapshot", 13, List.of("'10:20:10,14,15'", "'1:1:'",
                "'100:200:'", "'4294967297:4294967300:4294967298'")));
        all.add(new TypeCases.Case("pg_snapshot", "pg_snapshot", 13, List.of("'10:20:10,14,15'", "'1:1:'",
                "'18446744073709551614:18446744073709551615:'")));
        all.add(new TypeCases.Case("regclass", "regclass", 13, List.of("'t_regclass'::regclass", "'pg_class'",
                "'\"Odd Schema\".odd_rel'", "'\"Mixed Rel\"'", "0::oid::regclass", "4000000000::oid::regclass",
                "'pg_catalog.pg_type'")));
        all.add(new TypeCases.Case("regtype", "regtype", 13, List.of("'integer'::regtype", "'regtype'",
                "'character'", "'bit'", "'timestamptz'", "'\"char\"'", "0::oid::regtype", "4000000000::oid::regtype")));
        all.add(new TypeCases.Case("regnamespace", "regnamespace", 13, List.of("'public'::regnamespace",
                "'pg_catalog'", "'\"Odd Schema\"'", "0::oid::regnamespace", "4000000000::oid::regnamespace")));
        all.add(new TypeCases.Case("regrole", "regrole", 13, List.of("current_user::text::regrole",
                "'plain_role'", "'\"Odd \"\"Role\"\"\"'", "0::oid::regrole", "4000000000::oid::regrole")));
        for (String t : List.of("regproc", "regprocedure", "regoper", "regoperator", "regconfig", "regdictionary",
                "regcollation")) {
            all.add(new TypeCases.Case(t, t, 13, List.of("0::oid::" + t, "4000000000::oid::" + t)));
        }
        all.add(new TypeCases.Case("regclass_array", "regclass[]", 13, List.of(
                "ARRAY['pg_class'::regclass, '\"Mixed Rel\"', 0, 4000000000::oid]")));
        List<String> acl = new ArrayList<>(List.of("makeaclitem('plain_role'::regrole, current_user::text::regrole, "
                + "'SELECT', false)", "makeaclitem(0, current_user::text::regrole, 'USAGE', true)",
                "('plain_role=a*rw*d/' || current_user)::aclitem",
                "('\"Odd \"\"Role\"\"\"=arwdDxt/' || current_user)::aclitem",
                "('=X*/' || current_user)::aclitem", "('plain_role=UCTc/\"Odd \"\"Role\"\"\"')::aclitem"));
        if (major >= 15) {
            acl.add("('plain_role=s*A/' || current_user)::aclitem");
        }
        if (major >= 17) {
            acl.add("('plain_role=arwdDxtm*/' || current_user)::aclitem");
        }
        all.add(new TypeCases.Case("aclitem", "aclitem", 13, acl));
        all.add(new TypeCases.Case("aclitem_array", "aclitem[]", 13, List.of(
                "ARRAY[('plain_role=r*/' || current_user)::aclitem, ('=r/' || current_user)::aclitem]")));
        return all;
    }

    private static List<String> jsonpaths(int major) {
        List<String> p = new ArrayList<>(List.of("'$'", "'strict $'", "'lax $.a'", "'strict $.a.b[*].c'",
                "'$.\"key with space\".\"quo\\\"te\"'", "'$[0, 2 to 4, last]'", "'$[last - 1]'", "'$.*'",
                "'$.**'", "'$.**{2}'", "'$.**{1 to 3}'", "'$.**{last}'", "'$.**{2 to last}'", "'$.**{last to 1}'",
                "'$.a ? (@ > 1 && @ < 10 || !(@ == 5))'", "'$.a ? (@.b == \"x\" && exists (@.c))'",
                "'($.a + 1) * 2 - -$.b / 3 % 4'", "'$.a + ($.b * $.c)'", "'-(1 + 2)'", "'+$.a'", "'- -1'",
                "'1 - (2 - 3)'", "'(1 - 2) - 3'", "'$.a ? (@ like_regex \"^ab.*c\" flag \"i\")'",
                "'$ ? (@ like_regex \"x\" flag \"ismxq\")'", "'$ ? (@ like_regex \"\\\\d+\")'",
                "'$ ? (@ starts with \"abc\")'", "'$ ? (@ starts with $var)'", "'$ ? ((@ == 1) is unknown)'",
                "'$.a.type()'", "'$.a.size().abs().floor().ceiling().double().keyvalue()'", "'$.datetime()'",
                "'$.datetime(\"YYYY-MM-DD HH24:MI\")'", "'$.a[*] ? (@.datetime() > \"2024-01-01\".datetime())'",
                "'null'", "'true'", "'false'", "'\"str\\u00e9 \\n\"'", "'1.5e3'", "'-0.0001'", "'$var.x'",
                "'$\"var with space\"'", "'$ == 1'", "'$.a ? (@ != null)'",
                "'$.g ? (exists (@ ? (@[*] > 2)))'", "'$[$.a to $.b]'", "'strict $.a ? (@ >= 1 && @ <= 2 || @ != 3)'",
                "'$.a ? (!(@ > 1) && !(@ < 0))'", "'1 + 2 * 3'", "'(1 + 2) * 3'", "'(1).a'", "'(1.5).type()'",
                "'$ ? (@ == -1)'", "'$.a[1.5]'"));
        if (major >= 17) {
            p.addAll(List.of("'$.a.bigint().boolean().date().integer().number().string()'", "'$.decimal()'",
                    "'$.decimal(4)'", "'$.decimal(4, 2)'", "'$.time()'", "'$.time(3)'", "'$.time_tz(2)'",
                    "'$.timestamp()'", "'$.timestamp_tz(6)'"));
        }
        return p;
    }
}
