import { beforeAll, expect, it } from 'vitest';
import { describeWithDatabase, unique, uniqueEmail } from '../../../tests/helpers';
import { verifyAuditChain, type AuditActor } from '../audit';
import { createUser } from '../auth';
import { getDb, type Db } from '../db';
import { archivePlan, createPlan, createProduct, listPlanOptions, listPlans, listProducts } from './catalog';
import { createCustomer, getCustomerDetail, listCustomers } from './customers';
import { issueLicense } from './issue';

const actor: AuditActor = { type: 'user', id: 'admin-id', label: 'admin@example.test' };
const plan = (productId: string, name: string) => ({ productId, name, durationDays: 30, maxMachines: 2, features: ['core'], quotas: {} });

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

describeWithDatabase('catalogue lists and plan archive', () => {
  it('pages products by name with their plans, and archives a plan so that nothing new is issued on it', async () => {
    const tag = unique('catalog');
    const products = [];
    for (const name of ['B', 'A', 'C']) products.push(await createProduct(db, { name: `${tag} ${name}`, slug: `${tag}-${name}`.toLowerCase() }, actor));
    const [productB] = products;
    const monthly = await createPlan(db, plan(productB!.id, 'Monthly'), actor);
    await createPlan(db, plan(productB!.id, 'Annual'), actor);

    const first = await listProducts(db, { search: tag, limit: 2 });
    expect(first.items.map((product) => product.name)).toEqual([`${tag} A`, `${tag} B`]);
    expect(first.items[1]!.plans.map((each) => each.name)).toEqual(['Annual', 'Monthly']);
    const second = await listProducts(db, { search: tag, limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((product) => product.name)).toEqual([`${tag} C`]);
    expect(second.nextCursor).toBeNull();

    const archived = await archivePlan(db, { planId: monthly.id }, actor, { ip: '203.0.113.7' });
    expect(archived.archivedAt).toBeInstanceOf(Date);
    await expect(archivePlan(db, { planId: monthly.id }, actor)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await listPlans(db, { productId: productB!.id })).map((each) => each.name)).toEqual(['Annual']);
    expect((await listPlans(db, { productId: productB!.id, includeArchived: true })).map((each) => each.name)).toEqual(['Annual', 'Monthly']);
    expect((await listPlanOptions(db, { search: tag })).map((option) => option.name)).toEqual(['Annual']);

    const customer = await createCustomer(db, { name: unique('Customer'), email: uniqueEmail('billing') }, actor);
    await expect(issueLicense(db, { customerId: customer.id, planId: monthly.id, issuedVia: 'ADMIN' }, actor)).rejects.toMatchObject({ code: 'CONFLICT' });
    const event = await db.auditEvent.findFirst({ where: { action: 'plan.archive', targetId: monthly.id } });
    expect(event).toMatchObject({ actorLabel: 'admin@example.test', ip: '203.0.113.7' });
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

describeWithDatabase('customer lists and detail', () => {
  it('searches and pages customers, scopes a reseller to its own, and shows a customer with users, licenses and activity', async () => {
    const tag = unique('Globex');
    const reseller = await createUser(db, { email: uniqueEmail('reseller'), name: 'Reseller', role: 'RESELLER', password: 'Correct-Horse-Battery-9' }, actor);
    const resold = await createCustomer(db, { name: `${tag} one`, email: uniqueEmail('one'), resellerId: reseller.id }, actor);
    const direct = await createCustomer(db, { name: `${tag} two`, email: uniqueEmail('two') }, actor);

    const first = await listCustomers(db, { search: tag.toUpperCase(), limit: 1 });
    expect(first.items.map((customer) => customer.id)).toEqual([resold.id]);
    const second = await listCustomers(db, { search: tag, limit: 1, cursor: first.nextCursor! });
    expect(second.items.map((customer) => customer.id)).toEqual([direct.id]);
    expect((await listCustomers(db, { search: tag }, { resellerId: reseller.id })).items.map((customer) => customer.id)).toEqual([resold.id]);

    const product = await createProduct(db, { name: unique('Product'), slug: unique('product').toLowerCase() }, actor);
    const created = await createPlan(db, plan(product.id, 'Monthly'), actor);
    const issued = await issueLicense(db, { customerId: direct.id, planId: created.id, issuedVia: 'ADMIN' }, actor);
    await db.machine.create({ data: { licenseId: issued.license.id, fingerprint: 'machine-01' } });
    const user = await createUser(db, { email: uniqueEmail('member'), name: 'Member', role: 'CUSTOMER', customerId: direct.id, password: 'Correct-Horse-Battery-9' }, actor);

    const detail = await getCustomerDetail(db, { customerId: direct.id });
    expect(detail).toMatchObject({ id: direct.id, userCount: 1, activeMachines: 1, licensesByStatus: { ACTIVE: 1 } });
    expect(detail.users.map((member) => member.id)).toEqual([user.id]);
    expect(detail.recentEvents.map((event) => event.action)).toEqual(expect.arrayContaining(['customer.create', 'license.issue']));
    await expect(getCustomerDetail(db, { customerId: '01900000-0000-7000-8000-000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
